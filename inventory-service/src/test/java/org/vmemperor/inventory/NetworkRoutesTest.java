package org.vmemperor.inventory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.vmemperor.inventory.testing.Callers.as;
import static org.vmemperor.inventory.testing.Callers.postAs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.inventory.testing.Callers;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
class NetworkRoutesTest {

    private static final List<String> ENTRY_KEYS = List.of("PIFs", "VMs", "access", "name_description", "name_label",
            "other_config", "ref", "uuid");

    @Inject
    TokenSigner signer;

    @Inject
    XenObjectCache cache;

    @Inject
    AccessRightsWriter rights;

    @InjectSimulator
    XapiSimulator simulator;

    private final String friends = Callers.group();
    private final UserPrincipal alice = Callers.user("alice");
    private final UserPrincipal bob = Callers.user("bob", friends);

    @BeforeEach
    void poolLoaded() {
        await().atMost(Duration.ofSeconds(30)).until(cache::isReady);
    }

    @Test
    void listsNetworksAsTheSpecDoes() {
        String ref = simulator.pool().refByName("network", "Pool-wide network associated with eth0").orElseThrow();
        Map<String, Object> record = simulator.pool().record("network", ref);
        String uuid = (String) record.get("uuid");
        Map<String, Object> entry = Callers.withUuid(netlist(Callers.ADMIN, ""), uuid);

        assertThat(Callers.keys(entry)).isEqualTo(ENTRY_KEYS);
        assertThat(entry.get("PIFs")).isEqualTo(record.get("PIFs"));
        assertThat(entry.get("VMs")).asList().containsExactlyInAnyOrderElementsOf(vmUuidsOf("VIF", record, "VIFs"))
                .isNotEmpty();
        assertThat(entry.get("access")).isEqualTo(List.of());
        assertThat(entry.get("name_description")).isEqualTo(record.get("name_description"));
        assertThat(entry.get("name_label")).isEqualTo("Pool-wide network associated with eth0");
        assertThat(entry.get("other_config")).isEqualTo(record.get("other_config"));
        assertThat(entry.get("ref")).isEqualTo(ref);

        // /netinfo answers the same entry
        Map<String, Object> info = Callers.object(postAs(signer, Callers.ADMIN, Map.of("uuid", uuid))
                .post("/netinfo").then().statusCode(200).extract().asString());
        assertThat(info).isEqualTo(entry);
        assertThat(Callers.keys(info)).isEqualTo(ENTRY_KEYS);
    }

    @Test
    void showsUsersOnlyWhatTheyHoldARightOnWithTheAccessList() {
        String uuid = newNetwork("rights net");
        assertThat(netlist(alice, "")).extracting(entry -> entry.get("uuid")).doesNotContain(uuid);
        assertThat(netlist(bob, "")).extracting(entry -> entry.get("uuid")).doesNotContain(uuid);
        postAs(signer, alice, Map.of("uuid", uuid)).post("/netinfo").then().statusCode(403)
                .body("status", is("access denied"));

        rights.update(ObjectType.NETWORK, uuid, list -> list.grant(alice.id(), Action.ATTACH));
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(netlist(alice, ""), uuid) != null);
        Map<String, Object> seen = Callers.withUuid(netlist(alice, ""), uuid);
        assertThat(seen.get("access")).isEqualTo(List.of(Map.of("userid", alice.id(), "access", List.of("attach"))));
        assertThat(netlist(bob, "")).extracting(entry -> entry.get("uuid")).doesNotContain(uuid);
        postAs(signer, alice, Map.of("uuid", uuid)).post("/netinfo").then().statusCode(200).body("uuid", is(uuid));

        // a group grant reaches bob; launch lets him see the network in the list but /netinfo needs attach
        rights.update(ObjectType.NETWORK, uuid, list -> list.grant(friends, Action.LAUNCH));
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(netlist(bob, ""), uuid) != null);
        postAs(signer, bob, Map.of("uuid", uuid)).post("/netinfo").then().statusCode(403);
        rights.update(ObjectType.NETWORK, uuid, list -> list.grant(friends, Action.ATTACH));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> postAs(signer, bob, Map.of("uuid", uuid))
                .post("/netinfo").then().statusCode(200).body("access.userid", containsInAnyOrder(alice.id(), friends)));

        // revoking removes it from the list at once (the next event)
        rights.update(ObjectType.NETWORK, uuid, list -> list.revoke(alice.id(), Action.ALL));
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(netlist(alice, ""), uuid) == null);

        // administrators see every network, the host-internal one included
        assertThat(netlist(Callers.ADMIN, "")).extracting(entry -> entry.get("name_label"))
                .contains("rights net", "Host internal management network", "second net");
    }

    @Test
    void newAndDestroyedNetworksShowWithoutARestart() {
        String uuid = newNetwork("event net");
        simulator.pool().destroy("network", uuid);
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(netlist(Callers.ADMIN, ""), uuid) == null);
        postAs(signer, Callers.ADMIN, Map.of("uuid", uuid)).post("/netinfo").then().statusCode(400)
                .body("status", is("bad request")).body("details", contains("UUID_INVALID", "network", uuid));
    }

    @Test
    void pagesAreOneBasedSlicesOfTheWholeList() {
        newNetwork("page net 1");
        newNetwork("page net 2");
        List<Object> all = netlist(Callers.ADMIN, "").stream().map(entry -> entry.get("uuid")).toList();
        assertThat(all.size()).isGreaterThanOrEqualTo(5);
        assertThat(uuids(netlist(Callers.ADMIN, "?page=1&page_size=2"))).isEqualTo(all.subList(0, 2));
        assertThat(uuids(netlist(Callers.ADMIN, "?page=2&page_size=2"))).isEqualTo(all.subList(2, 4));
        assertThat(uuids(netlist(Callers.ADMIN, "?page=1"))).isEqualTo(all.subList(0, Math.min(10, all.size())));
        assertThat(netlist(Callers.ADMIN, "?page=100&page_size=2")).isEmpty();
        assertThat(uuids(netlist(Callers.ADMIN, "?page=0"))).isEqualTo(all);
        as(signer, Callers.ADMIN).get("/netlist?page=1&page_size=0").then().statusCode(400)
                .body("status", is("bad request"));
        as(signer, Callers.ADMIN).get("/netlist?page=first").then().statusCode(400).body("status", is("bad request"));
        // (page - 1) * page_size overflowed a long and answered 500
        assertThat(netlist(Callers.ADMIN, "?page=9223372036854775807&page_size=2")).isEmpty();
        assertThat(netlist(Callers.ADMIN, "?page=2&page_size=9223372036854775807")).isEmpty();
        assertThat(uuids(netlist(Callers.ADMIN, "?page=1&page_size=9223372036854775807"))).isEqualTo(all);
        as(signer, Callers.ADMIN).get("/netlist?page=9223372036854775808").then().statusCode(400)
                .body("status", is("bad request"));
    }

    @Test
    void rejectsBadInput() {
        postAs(signer, alice, Map.of()).post("/netinfo").then().statusCode(400).body("status", is("bad request"));
        postAs(signer, alice, Map.of("uuid", 42)).post("/netinfo").then().statusCode(400);
        postAs(signer, alice, "{\"uuid\": ").post("/netinfo").then().statusCode(400).body("status", is("bad request"));
        String unknown = "920b8d47-9945-63d8-4b04-ad06c65d950a";
        postAs(signer, alice, Map.of("uuid", unknown)).post("/netinfo").then().statusCode(400)
                .body("message", is("{\"message\":\"Failed to initialize object of type network with UUID " + unknown
                        + "\",\"details\":[\"UUID_INVALID\",\"network\",\"" + unknown + "\"]}"))
                .body("details", contains("UUID_INVALID", "network", unknown));
        // a VDI's uuid is not a network's
        String vdi = (String) simulator.pool().records("VDI").values().iterator().next().get("uuid");
        postAs(signer, Callers.ADMIN, Map.of("uuid", vdi)).post("/netinfo").then().statusCode(400)
                .body("details", contains("UUID_INVALID", "network", vdi));
        given().get("/netlist").then().statusCode(401);
    }

    private String newNetwork(String name) {
        String ref = simulator.pool().addNetwork(name);
        String uuid = (String) simulator.pool().record("network", ref).get("uuid");
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(netlist(Callers.ADMIN, ""), uuid) != null);
        return uuid;
    }

    private List<Map<String, Object>> netlist(UserPrincipal caller, String query) {
        return Callers.objects(as(signer, caller).get("/netlist" + query).then().statusCode(200).extract().asString());
    }

    private static List<Object> uuids(List<Map<String, Object>> entries) {
        return entries.stream().map(entry -> entry.get("uuid")).toList();
    }

    private List<String> vmUuidsOf(String deviceClass, Map<String, Object> record, String field) {
        return ((List<?>) record.get(field)).stream()
                .map(device -> (String) simulator.pool().record(deviceClass, (String) device).get("VM"))
                .map(vm -> (String) simulator.pool().record("VM", vm).get("uuid")).distinct().toList();
    }
}
