package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
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
 * in, creates a VM that installs unattended (with the static address of {@link GuestSshd}), sees it, opens its console
 * (/vnc, then the /console WebSocket relays the VM's RFB greeting), runs a shipped playbook on it (over SSH to the
 * guest's sshd), stops and starts it while the /vmlist WebSocket pushes the changes, and destroys it. Every request goes
 * to {@link #origin}; nothing else is contacted (the playbook service alone connects to the guest's address).
 */
final class Scenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A run of ansible-playbook took ~55 s at load 20 on 2 cores: a bound for a stuck run, not a speed check. */
    private static final Duration PLAYBOOK_WAIT = Duration.ofMinutes(5);
    private static final String TEMPLATE = "Debian Bookworm 12";
    private static final String NETWORK = "Pool-wide network associated with eth0";

    /** The greeting an RFB 3.8 server sends first (RFC 6143, 7.1.1): what the relay must pass on unchanged. */
    private static final String RFB_GREETING = "RFB 003.008\n";

    private final String origin;
    private final String poolPassword;
    private final GuestSshd guest;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Scenario(String origin, String poolPassword, GuestSshd guest) {
        this.origin = origin;
        this.poolPassword = poolPassword;
        this.guest = guest;
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
            Map<String, Object> create = new HashMap<>(Map.of("template", template, "storage", storage,
                    "network", network, "vdi_size", 10240, "ram_size", 1024, "name_label", name,
                    "hostname", "e2e" + run, "username", "alice", "password", password));
            // the guest's sshd: the simulator reports a static loopback address as the guest's address
            create.putAll(Map.of("ip", guest.address(), "gateway", guest.gateway(), "netmask", "255.255.255.0"));
            String task = post(user, "/createvm", create).get("task").asText();
            JsonNode done = awaitTask(user, task);
            assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("installed");
            String vm = done.get("uuid").asText();

            assertThat(get(user, "/vmlist").toString()).as("the user sees the VM").contains(vm);
            assertThat(post(user, "/vminfo", Map.of("uuid", vm)).toString()).contains(name);

            // an unattended install ends with the installed system booted: stop it, then start it, and watch both
            // changes arrive on the WebSocket
            assertThat(post(user, "/vminfo", Map.of("uuid", vm)).path("power_state").asText()).isEqualTo("Running");

            console(user, vm);
            playbook(user, vm, run);

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

    /**
     * /vnc answers the console's URL on the origin the client used (the ingress's, from the forwarded headers); the
     * /console WebSocket at that URL, offered the {@code binary} subprotocol as noVNC offers it, relays the VM's RFB
     * greeting from the pool's console.
     */
    private void console(String user, String vm) throws Exception {
        HttpResponse<String> vnc = send(user, "POST", "/vnc", Map.of("uuid", vm));
        assertThat(vnc.statusCode()).as("/vnc: " + vnc.body()).isEqualTo(200);
        String url = vnc.body().trim();
        assertThat(url).as("the console URL is on the origin the client used")
                .startsWith(origin.replaceFirst("^http", "ws") + "/console?secret=");
        CompletableFuture<String> greeting = new CompletableFuture<>();
        WebSocket console = http.newWebSocketBuilder().subprotocols("binary")
                .buildAsync(URI.create(url), bytes(RFB_GREETING.length(), greeting)).get(30, TimeUnit.SECONDS);
        try {
            assertThat(console.getSubprotocol()).isEqualTo("binary");
            assertThat(greeting.get(60, TimeUnit.SECONDS)).isEqualTo(RFB_GREETING);
        } finally {
            console.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    /**
     * /playbooks lists the shipped playbooks; the shipped user-ssh-key playbook creates a user on the VM (the guest's
     * sshd is this machine's) and removes it again, both runs ending in success in /taskstatus with their output in
     * /playbooklog.
     */
    private void playbook(String user, String vm, String run) throws Exception {
        List<String> ids = get(user, "/playbooks").findValuesAsText("id");
        assertThat(ids).as("the shipped playbooks").contains("user-ssh-key", "nginx-webserver");

        String login = "e2e" + run;
        guest.created(login);
        JsonNode created = awaitPlaybook(user, post(user, "/executeplaybook", Map.of("playbook", "user-ssh-key",
                "vms", List.of(vm), "username", login, "ssh_key", guest.userPublicKey())).get("task").asText(), vm);
        assertThat(created.path("returncode").asInt(-1)).as(created.toString()).isZero();
        JsonNode removed = awaitPlaybook(user, post(user, "/executeplaybook", Map.of("playbook", "user-ssh-key",
                "vms", List.of(vm), "username", login, "state", "absent")).get("task").asText(), vm);
        assertThat(removed.path("returncode").asInt(-1)).as(removed.toString()).isZero();
        guest.removed(login);
    }

    /** Waits for a playbook run to end; asserts it succeeded (its log in the message if not) and returns its status. */
    private JsonNode awaitPlaybook(String user, String task, String vm) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await().atMost(PLAYBOOK_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            last[0] = post(user, "/taskstatus", Map.of("task", task));
            return List.of("success", "failure").contains(last[0].path("state").asText());
        });
        HttpResponse<String> log = send(user, "GET", "/playbooklog?task=" + task, null);
        assertThat(log.statusCode()).as("/playbooklog: " + log.body()).isEqualTo(200);
        assertThat(last[0].path("state").asText()).as(last[0] + "\n" + log.body()).isEqualTo("success");
        assertThat(log.body()).as("the inventory names the VM by its uuid").contains("PLAY RECAP").contains(vm);
        return last[0];
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

    /** Completes {@code first} with the first {@code count} bytes of the binary messages received (as ASCII). */
    private static WebSocket.Listener bytes(int count, CompletableFuture<String> first) {
        return new WebSocket.Listener() {
            private final ByteArrayOutputStream received = new ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
                byte[] chunk = new byte[data.remaining()];
                data.get(chunk);
                received.writeBytes(chunk);
                if (received.size() >= count) {
                    first.complete(new String(received.toByteArray(), 0, count, StandardCharsets.US_ASCII));
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                first.completeExceptionally(new AssertionError("the console closed: " + code + " " + reason));
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                first.completeExceptionally(error);
            }
        };
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
