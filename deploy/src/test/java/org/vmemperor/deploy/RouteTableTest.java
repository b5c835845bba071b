package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vmemperor.deploy.NginxConfig.Location;
import org.vmemperor.deploy.RouteTable.Route;
import org.vmemperor.deploy.ServiceEndpoints.Endpoint;

/**
 * deploy/routes.tsv against its consumers: the routes the built services really serve (read from their Jandex
 * indexes, not from a list), the nginx configuration and the Kubernetes Ingress. Each route is served by exactly its
 * service, nginx and the Ingress send it there, and neither routes anything else.
 */
class RouteTableTest {

    /** The spec's routes and the design's additions (issue 13); the table must hold each, once. */
    private static final Set<String> SPEC_ROUTES = Set.of("/login", "/adminauth", "/alltemplates", "/turntemplate",
            "/createvm", "/taskstatus", "/vminfo", "/startstopvm", "/rebootvm", "/destroyvm", "/destroyvdi", "/tmpllist",
            "/poollist", "/netlist", "/isolist", "/vdilist", "/vnc", "/console", "/netinfo", "/vdiinfo", "/isoinfo",
            "/vmdiskinfo", "/vmnetinfo", "/userlist", "/grouplist", "/getaccess", "/setaccess", "/netaction",
            "/attachdetachvdi", "/attachdetachiso", "/playbooks", "/executeplaybook");
    private static final Set<String> ADDITIONS = Set.of("/logout", "/userinfo", "/vmlist", "/createuser",
            "/deleteuser", "/creategroup", "/deletegroup", "/groupmember", "/autoinstall/", "/console.html",
            "/console/novnc/", "/playbooklog");

    private static RouteTable table;
    private static Map<String, List<Endpoint>> services;

    @BeforeAll
    static void load() {
        table = RouteTable.load();
        services = ServiceEndpoints.load();
    }

    @Test
    void tableHoldsEverySpecRouteAndAdditionOnce() {
        List<String> paths = table.routes().stream().map(Route::path).toList();
        assertThat(paths).doesNotHaveDuplicates();
        assertThat(table.routes().stream().filter(Route::fromSpec).map(Route::path)).containsExactlyInAnyOrderElementsOf(
                SPEC_ROUTES);
        assertThat(table.routes().stream().filter(r -> !r.fromSpec()).map(Route::path))
                .containsExactlyInAnyOrderElementsOf(ADDITIONS);
        assertThat(table.routes().stream().filter(Route::websocket).map(Route::path)).containsExactlyInAnyOrder(
                "/vmlist", "/console");
    }

    @Test
    void everyServiceArtifactIsFound() {
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(RouteTable.SERVICES);
        // the reader must see real endpoints, or every check below would pass on nothing
        assertThat(services.get("access")).extracting(Endpoint::path).contains("/login", "/adminauth");
        assertThat(services.get("vm")).filteredOn(Endpoint::websocket).extracting(Endpoint::path).contains("/vmlist");
    }

    @Test
    void everyRouteIsServedByExactlyItsService() {
        List<String> problems = new ArrayList<>();
        for (Route route : table.routes()) {
            Map<String, List<Endpoint>> servedBy = services.entrySet().stream()
                    .filter(e -> e.getValue().stream().anyMatch(endpoint -> route.covers(endpoint.path())))
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stream()
                            .filter(endpoint -> route.covers(endpoint.path())).toList()));
            if (servedBy.keySet().stream().anyMatch(s -> !s.equals(route.service()))) {
                problems.add(route + " is served by " + servedBy.keySet());
                continue;
            }
            List<Endpoint> endpoints = servedBy.getOrDefault(route.service(), List.of());
            if (endpoints.isEmpty()) {
                if (!route.pending()) {
                    problems.add(route + " is served by no service");
                }
                continue;
            }
            if (route.http() && endpoints.stream().allMatch(Endpoint::websocket)) {
                problems.add(route + " has no HTTP endpoint, only " + endpoints);
            }
            if (route.websocket() && endpoints.stream().noneMatch(Endpoint::websocket)) {
                problems.add(route + " has no WebSocket endpoint, only " + endpoints);
            }
            if (!route.websocket() && endpoints.stream().anyMatch(Endpoint::websocket)) {
                problems.add(route + " is a WebSocket in its service but not in the table");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyServiceEndpointIsInTheTable() {
        List<String> unrouted = new ArrayList<>();
        services.forEach((service, endpoints) -> {
            for (Endpoint endpoint : endpoints) {
                List<Route> routes = table.routes().stream().filter(r -> r.covers(endpoint.path())).toList();
                if (routes.size() != 1 || !routes.get(0).service().equals(service)) {
                    unrouted.add(service + " serves " + endpoint.path() + " (" + endpoint.declaredBy()
                            + "), routed to " + routes);
                }
            }
        });
        assertThat(unrouted).as("endpoints the ingress would not reach: add them to deploy/routes.tsv").isEmpty();
    }

    @Test
    void nginxRoutesAreTheTable() {
        List<Location> locations = NginxConfig.locations(ModuleFiles.path("nginx/routes.conf"));
        assertThat(locations).hasSameSizeAs(table.routes());
        for (Route route : table.routes()) {
            List<Location> matching = locations.stream().filter(l -> l.path().equals(route.path())).toList();
            assertThat(matching).as(route.toString()).hasSize(1);
            Location location = matching.get(0);
            assertThat(location.modifier()).as(route + " match").isEqualTo(route.prefix() ? "^~" : "=");
            assertThat(location.upstream()).as(route + " upstream").isEqualTo("vmemperor_" + route.service());
            assertThat(location.has("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for")
                    && location.has("proxy_set_header X-Forwarded-Proto $scheme")
                    && location.has("proxy_set_header Host $http_host")).as(route + " forwarded headers").isTrue();
            assertThat(location.has("proxy_set_header Upgrade $http_upgrade")).as(route + " WebSocket upgrade")
                    .isEqualTo(route.websocket());
            if (route.websocket()) {
                assertThat(location.has("proxy_read_timeout 8h")).as(route + " timeout").isTrue();
            }
        }
    }

    /** The site file may repeat a route (the plain-HTTP server keeps /autoinstall/), but only to the same service. */
    @Test
    void nginxSiteRoutesNothingElse() {
        for (Location location : NginxConfig.locations(ModuleFiles.path("nginx/vmemperor.conf"))) {
            if (location.path().equals("/") && location.upstream() == null) {
                continue;
            }
            Route route = table.routes().stream().filter(r -> r.path().equals(location.path())).findFirst()
                    .orElseThrow(() -> new AssertionError("vmemperor.conf routes " + location.path()));
            assertThat(location.upstream()).isEqualTo("vmemperor_" + route.service());
        }
        assertThat(NginxConfig.locations(ModuleFiles.path("nginx/vmemperor.conf"))).as("a 404 for everything else")
                .anySatisfy(l -> {
                    assertThat(l.path()).isEqualTo("/");
                    assertThat(l.directives()).anyMatch(d -> d.startsWith("return 404 "));
                });
    }

    @Test
    void ingressRoutesAreTheTable() {
        List<IngressRules.Rule> rules = IngressRules.load(ModuleFiles.path("kubernetes/base/ingress.yaml"));
        assertThat(rules).hasSameSizeAs(table.routes());
        for (Route route : table.routes()) {
            List<IngressRules.Rule> matching = rules.stream().filter(r -> r.path().equals(route.path())).toList();
            assertThat(matching).as(route.toString()).hasSize(1);
            IngressRules.Rule rule = matching.get(0);
            assertThat(rule.pathType()).as(route + " pathType").isEqualTo(route.prefix() ? "Prefix" : "Exact");
            assertThat(rule.serviceName()).as(route + " backend").isEqualTo("vmemperor-" + route.service());
            assertThat(rule.servicePort()).as(route + " port").isEqualTo("http");
            assertThat(rule.longTimeouts()).as(route + " WebSocket timeouts").isEqualTo(route.websocket());
            assertThat(rule.tlsSecret()).as(route + " TLS").isNotBlank();
        }
    }
}
