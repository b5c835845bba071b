package org.vmemperor.standalone.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

/**
 * The project's own reliability and security suite, against the packaged standalone (issue 14). One standalone for
 * the whole class; the methods run in order and the last one scans everything the others left behind for secrets.
 * Reproduce a failure with the seed it prints: {@code -Dsuite.seed=N}.
 */
@ExtendWith(SharedStandalone.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SuiteIT {

    static final long SEED = Long.getLong("suite.seed", 14L);
    static final String ALICE_PASSWORD = "alice-suite-password";

    SharedStandalone standalone;
    Api api;
    String admin;
    String alice;
    String aliceId;
    String aliceVm;
    String aliceTask;
    final Set<String> secrets = new LinkedHashSet<>();

    @BeforeAll
    void setUp(SharedStandalone standalone) throws IOException {
        this.standalone = standalone;
        api = new Api(standalone.http());
        admin = api.login("/adminauth", "root", SharedStandalone.ADMIN_PASSWORD);
        aliceId = api.post("/createuser", admin, Map.of("username", "suite-alice", "password", ALICE_PASSWORD))
                .get("id").asText();
        alice = api.login("/login", "suite-alice", ALICE_PASSWORD);
        aliceVm = api.get("/vmlist", admin).get(0).get("uuid").asText();
        api.post("/setaccess", admin, Map.of("type", "VM", "uuid", aliceVm, "action", "launch", "user", aliceId));
        // the grant reaches this process's cache through the pool's events: wait until alice holds it
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> api.post("/vminfo", alice, Map.of("uuid", aliceVm)) != null);
        aliceTask = api.post("/startstopvm", alice, Map.of("uuid", aliceVm, "enable", true)).get("task").asText();
        await().atMost(Duration.ofSeconds(60)).until(
                () -> !api.post("/taskstatus", alice, Map.of("task", aliceTask)).get("status").asText()
                        .equals("pending"));
        secrets.addAll(List.of(SharedStandalone.ADMIN_PASSWORD, ALICE_PASSWORD, admin, alice));
    }

    @Test
    @Order(1)
    void generatedBadInputGetsNo5xxAndAlwaysTheJsonErrorBody() throws IOException {
        Map<String, String> before = snapshot();
        int logStart = standalone.log().length();
        List<BadRequests.Caller> callers = List.of(
                new BadRequests.Caller("administrator", Api.cookie(admin), Api.bearer(admin)),
                new BadRequests.Caller("user", Api.cookie(alice), Api.bearer(alice)),
                new BadRequests.Caller("anonymous", Map.of(), Map.of()));
        List<RouteTable.Route> routes = RouteTable.routes();
        List<BadRequests.Request> requests = new BadRequests(SEED, routes, callers).generate();

        List<String> failures = new ArrayList<>();
        Map<String, Integer> byCategory = new TreeMap<>();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        int serverErrors = 0;
        int nonJsonErrors = 0;
        long started = System.nanoTime();
        RawHttp http = standalone.http();
        for (BadRequests.Request request : requests) {
            byCategory.merge(request.category(), 1, Integer::sum);
            RawHttp.Answer answer;
            try {
                answer = http.send(request.method(), request.target(), request.headers(), request.body());
            } catch (IOException e) {
                failures.add("no answer (" + e.getMessage() + "): " + request.describe());
                continue;
            }
            byStatus.merge(answer.status(), 1, Integer::sum);
            if (answer.status() >= 500) {
                serverErrors++;
                failures.add(answer.status() + " " + answer.text() + ": " + request.describe());
            } else if (request.expected() != 0 && answer.status() != request.expected()) {
                failures.add("expected " + request.expected() + ", got " + answer.status() + ": " + request.describe());
            }
            if (answer.status() >= 400 && !request.method().equals("HEAD") && !isErrorBody(answer)
                    && !isUnknownTask(request, answer)) {
                nonJsonErrors++;
                failures.add("error without the JSON body (" + answer.status() + " '" + RawHttp.abbreviate(
                        answer.text()) + "'): " + request.describe());
            }
            if (!"nosniff".equals(answer.header("X-Content-Type-Options"))) {
                failures.add("no X-Content-Type-Options: nosniff: " + request.describe());
            }
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf("bad input (seed %d): %d requests over %d routes x %d callers in %d ms; 5xx: %d; errors"
                + " without the JSON body: %d; failures: %d%n  by status: %s%n  by category: %s%n", SEED,
                requests.size(), routes.size(), callers.size(), millis, serverErrors, nonJsonErrors, failures.size(),
                byStatus, byCategory);

        assertThat(requests).hasSizeGreaterThanOrEqualTo(2000);
        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(standalone.alive()).isTrue();
        RawHttp.Answer ready = http.send("GET", "/q/health/ready", Map.of(), null);
        assertThat(ready.status()).as(ready.text()).isEqualTo(200);
        assertIntact(before, snapshot());
        String log = standalone.log().substring(logStart);
        assertThat(log.lines().filter(line -> line.contains(" ERROR ") || line.startsWith("\tat ")).limit(20))
                .as("a client's mistake is not a server error in the log").isEmpty();
    }

    /**
     * The errors without a body by design: the spec's /taskstatus of an unknown (or someone else's) task, and an
     * installer's fetch of an unknown answer file (a text/plain route for installers, not the JSON API).
     */
    private static boolean isUnknownTask(BadRequests.Request request, RawHttp.Answer answer) {
        return (request.target().equals("/taskstatus") || request.target().startsWith("/autoinstall/"))
                && answer.status() == 404 && answer.body().length == 0;
    }

    static boolean isErrorBody(RawHttp.Answer answer) {
        String type = answer.header("Content-Type");
        JsonNode body = Api.parse(answer.body());
        return type != null && type.startsWith("application/json") && body != null && body.isObject()
                && body.path("status").isTextual() && body.path("message").isTextual();
    }

    /** What must survive any amount of bad input: users, groups, VMs, rights, tasks, as the API shows them. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> state = new LinkedHashMap<>();
        // the generator's own well-formed /createuser and /creategroup calls may add some: none may go
        state.put("users", String.join(",", Api.texts(api.get("/userlist", admin), "id")));
        state.put("groups", String.join(",", Api.texts(api.get("/grouplist", admin), "id")));
        JsonNode vms = api.get("/vmlist", admin);
        List<String> vmUuids = new ArrayList<>();
        vms.forEach(vm -> vmUuids.add(vm.get("uuid").asText()));
        state.put("vms", String.join(",", vmUuids.stream().sorted().toList()));
        for (String vm : vmUuids) {
            state.put("access " + vm, api.post("/getaccess", admin, Map.of("type", "VM", "uuid", vm)).toString());
        }
        state.put("alice", api.get("/userinfo", alice).toString());
        state.put("alice's VMs", String.join(",", Api.texts(api.get("/vmlist", alice), "uuid")));
        state.put("alice's task", api.post("/taskstatus", alice, Map.of("task", aliceTask)).toString());
        state.put("templates", api.get("/tmpllist", admin).toString());
        return state;
    }

    private static List<String> ids(String joined) {
        return Arrays.stream(joined.split(",")).filter(id -> !id.isEmpty()).toList();
    }

    /** Everything as before, but users and groups the bad input added beside the existing ones. */
    private static void assertIntact(Map<String, String> before, Map<String, String> after) {
        for (String key : List.of("users", "groups")) {
            assertThat(ids(after.get(key))).as(key + " after the bad input").containsAll(ids(before.get(key)));
        }
        Map<String, String> rest = new LinkedHashMap<>(after);
        Map<String, String> restBefore = new LinkedHashMap<>(before);
        rest.keySet().removeAll(List.of("users", "groups"));
        restBefore.keySet().removeAll(List.of("users", "groups"));
        assertThat(rest).as("rights, VMs and tasks after the bad input").isEqualTo(restBefore);
    }

    @Test
    @Order(2)
    void errorsBeforeAnyRouteHaveTheJsonBody() throws IOException {
        RawHttp http = standalone.http();
        Map<String, RawHttp.Answer> answers = new LinkedHashMap<>();
        answers.put("400 bad percent-encoding", http.send("GET", "/vmlist?%zz=1", Api.bearer(admin), null));
        answers.put("414 100 KB URI", http.send("GET", "/vmlist?q=" + "u".repeat(100 * 1024), Map.of(), null));
        answers.put("431 100 KB header", http.send("GET", "/vmlist", Map.of("X-Big", "h".repeat(100 * 1024)), null));
        answers.put("413 /vminfo body of 9 KB", http.send("POST", "/vminfo",
                Map.of("Content-Type", "application/json"), ("{\"uuid\": \"" + "x".repeat(9 * 1024) + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
        answers.forEach((expected, answer) -> {
            assertThat(answer.status()).as(expected).isEqualTo(Integer.parseInt(expected.substring(0, 3)));
            assertThat(isErrorBody(answer)).as(expected + " has the JSON error body: " + answer.text()).isTrue();
        });
    }

    @Test
    @Order(3)
    void securityHeaders() throws IOException {
        RawHttp.Answer userinfo = api.call("GET", "/userinfo", Api.bearer(alice), null);
        assertThat(userinfo.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(userinfo.header("Cache-Control")).isEqualTo("no-store");
        Map<String, Object> credentials = Map.of("username", "suite-alice", "password", ALICE_PASSWORD);
        RawHttp.Answer plain = api.call("POST", "/login", Map.of(), credentials);
        assertThat(plain.header("Set-Cookie")).contains("HttpOnly").doesNotContain("Secure");
        RawHttp.Answer overTls = api.call("POST", "/login", Map.of("X-Forwarded-Proto", "https"), credentials);
        assertThat(overTls.header("Set-Cookie")).contains("HttpOnly").contains("Secure");
        secrets.add(plain.header("Set-Cookie").split(";")[0].split("=", 2)[1]);
        secrets.add(overTls.header("Set-Cookie").split(";")[0].split("=", 2)[1]);
        RawHttp.Answer console = api.call("GET", "/console.html", Map.of(), null);
        assertThat(console.header("X-Content-Type-Options")).isEqualTo("nosniff");
        if (console.status() == 200) {
            assertThat(console.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        } else {
            System.out.println("/console.html is not served yet (" + console.status() + "): frame-ancestors not"
                    + " checked on it");
        }
    }

    /** Routes that act on an object but are not (yet) in the matrix, each for the reason its file gives. */
    private static final Set<String> NOT_IN_MATRIX = Set.of("/destroyvm", "/destroyvdi", "/attachdetachiso",
            "/getaccess", "/setaccess", "/isoinfo", "/taskstatus", "/createvm", "/turntemplate", "/vnc",
            "/executeplaybook");

    @Test
    @Order(4)
    void authorizationMatrix() throws IOException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        String table = new String(SuiteIT.class.getResourceAsStream("/suite/authorization-matrix.tsv").readAllBytes(),
                StandardCharsets.UTF_8);
        table.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .forEach(line -> rows.put(line.split("\t")[0], line.split("\t")));
        for (RouteTable.Route route : RouteTable.routes()) {
            boolean actsOnObject = RouteArguments.of(route.path()).args().stream()
                    .anyMatch(arg -> arg.kind() == RouteArguments.Kind.UUID);
            if (actsOnObject && !route.prefix()) {
                assertThat(rows.containsKey(route.path()) || NOT_IN_MATRIX.contains(route.path()))
                        .as(route.path() + " acts on an object: add it to authorization-matrix.tsv").isTrue();
            }
        }
        String vm = api.get("/vmlist", admin).get(1).get("uuid").asText();
        String network = api.get("/netlist", admin).get(0).get("uuid").asText();
        String vdi = api.get("/vdilist", admin).get(0).get("uuid").asText();
        Map<String, String> objects = Map.of("VM", vm, "Network", network, "VDI", vdi);
        Map<String, Map<String, String>> callers = new LinkedHashMap<>();
        String none = matrixUser("matrix-none");
        for (String action : List.of("launch", "attach")) {
            String direct = matrixUser("matrix-direct-" + action);
            String member = matrixUser("matrix-member-" + action);
            String group = api.post("/creategroup", admin, Map.of("name", "matrix-group-" + action)).get("id")
                    .asText();
            api.post("/groupmember", admin, Map.of("group", group, "user", member, "action", "add"));
            String other = matrixUser("matrix-other-" + action);
            for (Map.Entry<String, String> object : objects.entrySet()) {
                grant(object, "user", direct, action);
                grant(object, "group", group, action);
                grant(object, "user", other, action.equals("launch") ? "attach" : "launch");
            }
            Map<String, String> byColumn = new LinkedHashMap<>();
            byColumn.put("anonymous", null);
            byColumn.put("no right", login("matrix-none"));
            byColumn.put("direct", login("matrix-direct-" + action));
            byColumn.put("group", login("matrix-member-" + action));
            byColumn.put("other right", login("matrix-other-" + action));
            byColumn.put("administrator", admin);
            callers.put(action, byColumn);
        }
        assertThat(none).isNotBlank();

        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (String[] row : rows.values()) {
            Map<String, Object> body = switch (row[0]) {
                case "/startstopvm" -> Map.of("uuid", vm, "enable", true);
                case "/netaction" -> Map.of("uuid", vm, "net", network, "action", "attach");
                case "/attachdetachvdi" -> Map.of("uuid", vm, "vdi", vdi, "action", "attach");
                default -> Map.of("uuid", objects.get(row[1]));
            };
            int column = 3;
            for (Map.Entry<String, String> caller : callers.get(row[2]).entrySet()) {
                String expected = row[column++];
                Map<String, String> session = caller.getValue() == null ? Map.of() : Api.bearer(caller.getValue());
                RawHttp.Answer answer = api.call("POST", row[0], session, body);
                cells++;
                boolean as = expected.equals("ok")
                        ? answer.status() != 401 && answer.status() != 403 && answer.status() < 500
                        : answer.status() == Integer.parseInt(expected);
                if (!as) {
                    wrong.add(row[0] + " as " + caller.getKey() + ": expected " + expected + ", got "
                            + answer.status() + " " + RawHttp.abbreviate(answer.text()));
                }
            }
        }
        System.out.printf("authorization matrix: %d routes x 6 callers = %d cells, %d wrong%n", rows.size(), cells,
                wrong.size());
        assertThat(wrong).isEmpty();
    }

    private String matrixUser(String name) throws IOException {
        return api.post("/createuser", admin, Map.of("username", name, "password", name + "-password")).get("id")
                .asText();
    }

    private String login(String name) throws IOException {
        String token = api.login("/login", name, name + "-password");
        secrets.add(token);
        secrets.add(name + "-password");
        return token;
    }

    private void grant(Map.Entry<String, String> object, String kind, String principal, String action)
            throws IOException {
        api.post("/setaccess", admin, Map.of("type", object.getKey(), "uuid", object.getValue(), "action", action,
                kind, principal));
    }

    @Test
    @Order(9)
    void noSecretInLogsVmsOrTasks() throws Exception {
        List<String> places = new ArrayList<>();
        String log = standalone.log();
        Connection pool = new Connection(URI.create("http://127.0.0.1:" + standalone.simulatorPort() + "/").toURL());
        Session.loginWithPassword(pool, "root", SharedStandalone.ADMIN_PASSWORD);
        Map<String, String> vmFields = new LinkedHashMap<>();
        for (Map.Entry<VM, VM.Record> vm : VM.getAllRecords(pool).entrySet()) {
            vmFields.put("PV_args of " + vm.getValue().uuid, vm.getValue().PVArgs);
            vmFields.put("other_config of " + vm.getValue().uuid, String.valueOf(vm.getValue().otherConfig));
        }
        String task = api.post("/taskstatus", alice, Map.of("task", aliceTask)).toString();
        for (String secret : secrets) {
            if (log.contains(secret)) {
                places.add("the log");
            }
            vmFields.forEach((field, value) -> {
                if (value != null && value.contains(secret)) {
                    places.add(field);
                }
            });
            if (task.contains(secret)) {
                places.add("a task message");
            }
        }
        System.out.printf("secrets scan: %d secrets (passwords, session tokens) against %d KB of log, %d VM fields,"
                + " task messages: %d found%n", secrets.size(), log.length() / 1024, vmFields.size(), places.size());
        assertThat(places).as("places where a password or session token appears").isEmpty();
    }
}
