package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One user's story, through one origin only (the ingress, or the standalone's port): the first administrator logs in
 * with the pool's password, creates a user and a group, turns a template on, grants the group a network; the user logs
 * in, creates a VM that installs unattended, sees it, starts it, the /vmlist WebSocket pushes the change, and the VM
 * is destroyed. Every request goes to {@link #origin}; nothing else is contacted.
 */
final class Scenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TEMPLATE = "Debian Bookworm 12";
    private static final String NETWORK = "Pool-wide network associated with eth0";

    private final String origin;
    private final String poolPassword;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Scenario(String origin, String poolPassword) {
        this.origin = origin;
        this.poolPassword = poolPassword;
    }

    void run() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String admin = login("/adminauth", "root", poolPassword);

        String username = "alice-" + run;
        String password = "correct horse " + run;
        String userId = post(admin, "/createuser", Map.of("username", username, "password", password)).get("id").asText();
        String groupId = post(admin, "/creategroup", Map.of("name", "builders-" + run)).get("id").asText();
        post(admin, "/groupmember", Map.of("group", groupId, "user", userId, "action", "add"));

        String template = uuidNamed(get(admin, "/alltemplates"), TEMPLATE);
        post(admin, "/turntemplate", Map.of("uuid", template, "action", "on"));
        JsonNode pool = get(admin, "/poollist").get(0);
        String network = uuidNamed(pool.get("networks"), NETWORK);
        String storage = pool.get("storage_resources").get(0).get("uuid").asText();
        post(admin, "/setaccess", Map.of("type", "Network", "uuid", network, "group", groupId, "action", "attach"));

        String user = login("/login", username, password);
        assertThat(get(user, "/userinfo").toString()).contains(username);
        assertThat(uuidNamed(get(user, "/tmpllist"), TEMPLATE)).isEqualTo(template);
        assertThat(get(user, "/netlist").toString()).as("the group's network").contains(network);

        List<String> pushed = new CopyOnWriteArrayList<>();
        WebSocket vmlist = http.newWebSocketBuilder().header("Cookie", user)
                .buildAsync(URI.create(origin.replaceFirst("^http", "ws") + "/vmlist"), collector(pushed))
                .get(30, TimeUnit.SECONDS);
        try {
            String name = "e2e-" + run;
            Map<String, Object> create = Map.of("template", template, "storage", storage, "network", network,
                    "vdi_size", 10240, "ram_size", 1024, "name_label", name, "hostname", "e2e" + run,
                    "username", "alice", "password", password);
            String task = post(user, "/createvm", create).get("task").asText();
            JsonNode done = awaitTask(user, task);
            assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("installed");
            String vm = done.get("uuid").asText();

            assertThat(get(user, "/vmlist").toString()).as("the user sees the VM").contains(vm);
            assertThat(post(user, "/vminfo", Map.of("uuid", vm)).toString()).contains(name);

            // an unattended install ends with the installed system booted: stop it, then start it, and watch both
            // changes arrive on the WebSocket
            assertThat(post(user, "/vminfo", Map.of("uuid", vm)).path("power_state").asText()).isEqualTo("Running");
            pushed.clear();
            post(user, "/startstopvm", Map.of("uuid", vm, "enable", false));
            awaitPushed(pushed, vm, "Halted");
            pushed.clear();
            post(user, "/startstopvm", Map.of("uuid", vm, "enable", true));
            awaitPushed(pushed, vm, "Running");

            // a VM is destroyed halted (XenAPI's VM_BAD_POWER_STATE otherwise)
            pushed.clear();
            post(user, "/startstopvm", Map.of("uuid", vm, "enable", false));
            awaitPushed(pushed, vm, "Halted");
            String destroy = post(user, "/destroyvm", Map.of("uuid", vm)).get("task").asText();
            await().atMost(WAIT).untilAsserted(() -> assertThat(get(user, "/vmlist").toString()).doesNotContain(vm));
            assertThat(awaitTask(user, destroy).path("status").asText()).isEqualTo("success");
        } finally {
            vmlist.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        get(user, "/logout");
        // the logout is written to PostgreSQL; another service (vm-service, in the split suite) trusts a "not revoked"
        // answer for vmemperor.security.revocation-cache-ttl (2 s), so it refuses the token within seconds, not at once
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                send(user, "GET", "/vmlist", null).statusCode()).as("after logout").isEqualTo(401));
    }

    /** Waits for a /vmlist change message saying the VM went to the power state. */
    private static void awaitPushed(List<String> pushed, String vm, String powerState) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(pushed).as("/vmlist pushes " + powerState)
                .anySatisfy(message -> {
                    JsonNode change = JSON.readTree(message);
                    assertThat(change.path("type").asText()).isEqualTo("change");
                    assertThat(change.path("new_val").path("uuid").asText()).isEqualTo(vm);
                    assertThat(change.path("new_val").path("power_state").asText()).isEqualTo(powerState);
                }));
    }

    /** Polls /taskstatus until the task ended: an installation's state, or a XenAPI task's status. */
    private JsonNode awaitTask(String cookie, String task) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = post(cookie, "/taskstatus", Map.of("task", task));
            String state = last[0].path("state").asText();
            String status = last[0].path("status").asText();
            return state.equals("installed") || state.equals("failed") || status.equals("success")
                    || status.equals("failure");
        });
        return last[0];
    }

    private String login(String route, String username, String password) throws Exception {
        HttpResponse<String> response = send(null, "POST", route, Map.of("username", username, "password", password));
        assertThat(response.statusCode()).as(route + ": " + response.body()).isEqualTo(200);
        return response.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    private JsonNode get(String cookie, String route) throws Exception {
        return answer(route, send(cookie, "GET", route, null));
    }

    private JsonNode post(String cookie, String route, Map<String, Object> body) throws Exception {
        return answer(route, send(cookie, "POST", route, body));
    }

    private static JsonNode answer(String route, HttpResponse<String> response) throws JsonProcessingException {
        assertThat(response.statusCode()).as(route + ": " + response.body()).isEqualTo(200);
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String cookie, String method, String route, Map<String, Object> body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + route)).timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The uuid of the entry named {@code name} in a list of {uuid, name_label} objects. */
    private static String uuidNamed(JsonNode list, String name) {
        for (JsonNode entry : list) {
            if (name.equals(entry.path("name_label").asText())) {
                return entry.get("uuid").asText();
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }

    private static WebSocket.Listener collector(List<String> messages) {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    messages.add(partial.toString());
                    partial.setLength(0);
                }
                socket.request(1);
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
