package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.vm.testing.Users.as;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.Metrics;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.testing.RawWebSocket;
import org.vmemperor.vm.testing.TestPool;
import org.vmemperor.vm.testing.Users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The /vmlist WebSocket with a real client (java.net.http): initial records, changes, grants and revokes, auth. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class VmListSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Generous: these waits assert that a push comes, not how fast (bench/run-all.sh measures change-to-push
     * latency); a test machine under load once took over a second and over 10 s for the first grant.
     */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @InjectSimulator
    XapiSimulator simulator;
    @Inject
    XenObjectCache cache;
    @TestHTTPResource("/vmlist")
    URI httpUri;

    Users users;
    TestPool pool;

    @BeforeEach
    void setUp() {
        users = new Users(signer, rights);
        pool = new TestPool(simulator);
    }

    /** Collects every message and the close code of one socket. */
    static final class Client implements WebSocket.Listener {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        /** The reason the server gave with its close frame; set before {@link #closed} completes. */
        volatile String closeReason;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(statusCode);
            return null;
        }

        List<JsonNode> ofType(String type) {
            return messages.stream().filter(m -> type.equals(m.path("type").asText())).toList();
        }

        List<JsonNode> about(String uuid) {
            return messages.stream().filter(m -> uuid.equals(m.path("uuid").asText())
                    || uuid.equals(m.path("new_val").path("uuid").asText())
                    || uuid.equals(m.path("old_val").path("uuid").asText())).toList();
        }
    }

    private URI wsUri() {
        return URI.create(httpUri.toString().replaceFirst("^http", "ws"));
    }

    private WebSocket connect(Client client, String header, String value) throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (header != null) {
            builder.header(header, value);
        }
        return builder.buildAsync(wsUri(), client).get(10, TimeUnit.SECONDS);
    }

    private String ownedVm(String user) {
        String uuid = pool.newHaltedVm(user + "-vm");
        users.grant(ObjectType.VM, uuid, user, Action.LAUNCH);
        String token = users.token(user);
        await().atMost(WAIT).until(() -> as(token).body(Map.of("uuid", uuid)).post("/vminfo")
                .then().extract().statusCode() == 200);
        return uuid;
    }

    @Test
    void initialRecordsThenAStartAsAChange() throws Exception {
        String uuid = ownedVm("wendy");
        Client client = new Client();
        WebSocket socket = connect(client, "Authorization", "Bearer " + users.token("wendy"));
        try {
            await().atMost(WAIT).until(() -> client.ofType("initial").size() == 1);
            JsonNode initial = client.ofType("initial").get(0);
            assertThat(initial.path("uuid").asText()).isEqualTo(uuid);
            assertThat(initial.path("power_state").asText()).isEqualTo("Halted");
            assertThat(initial.has("disks")).isTrue();
            assertThat(initial.has("networks")).isTrue();
            assertThat(initial.path("access").get(0).path("userid").asText()).isEqualTo("users/wendy");

            String task = as(users.token("wendy")).body(Map.of("uuid", uuid, "enable", true)).post("/startstopvm")
                    .then().statusCode(200).extract().path("task");
            assertThat(task).isNotBlank();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> client.ofType("change").stream()
                            .anyMatch(m -> "Running".equals(m.path("new_val").path("power_state").asText())
                                    && "Halted".equals(m.path("old_val").path("power_state").asText())));
            // nothing about VMs wendy cannot see
            assertThat(client.about(uuid)).hasSameSizeAs(client.messages);
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    @Test
    void grantMakesAVmAppearAndRevokeMakesItDisappear() throws Exception {
        String uuid = ownedVm("xavier");
        Client client = new Client();
        // the session cookie works as well as the bearer token
        WebSocket socket = connect(client, "Cookie", "vmemperor_session=" + users.token("yvonne"));
        try {
            // yvonne holds nothing yet: no initial record of xavier's VM
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> client.about(uuid).isEmpty());

            users.grant(ObjectType.VM, uuid, "yvonne", Action.LAUNCH);
            await().atMost(WAIT).until(() -> client.ofType("add").stream()
                    .anyMatch(m -> uuid.equals(m.path("uuid").asText())));

            users.revokeAll(ObjectType.VM, uuid, "yvonne");
            await().atMost(WAIT).until(() -> client.ofType("remove").stream()
                    .anyMatch(m -> uuid.equals(m.path("old_val").path("uuid").asText())));
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    /**
     * One diff reaches each socket as the message its user's rights call for, and sockets that get the same kind get
     * the same message: each kind of message is written once per diff and handed to every socket that needs it.
     */
    @Test
    void oneDiffIsAChangeToOneSocketAnAddToAnotherAndTheSameChangeToAll() throws Exception {
        String uuid = ownedVm("paula");
        Client owner = new Client();
        Client admin = new Client();
        Client newcomer = new Client();
        WebSocket ownerSocket = connect(owner, "Authorization", "Bearer " + users.token("paula"));
        WebSocket adminSocket = connect(admin, "Authorization", "Bearer " + users.adminToken());
        WebSocket newcomerSocket = connect(newcomer, "Authorization", "Bearer " + users.token("quentin"));
        try {
            await().atMost(WAIT).until(() -> owner.ofType("initial").size() == 1
                    && admin.ofType("initial").stream().anyMatch(m -> uuid.equals(m.path("uuid").asText())));

            // the grant: an add to quentin, a change (the access list) to the administrator, who sees every VM. (The
            // owner may see a remove and an add: a grant is two calls on the pool, remove_from_other_config and
            // add_to_other_config, which may come as two events.)
            users.grant(ObjectType.VM, uuid, "quentin", Action.LAUNCH);
            await().atMost(WAIT).until(() -> newcomer.ofType("add").stream()
                    .anyMatch(m -> uuid.equals(m.path("uuid").asText())));
            JsonNode added = newcomer.ofType("add").get(0);
            assertThat(added.has("old_val")).isFalse();
            assertThat(added.path("access").toString()).contains("users/quentin");
            await().atMost(WAIT).untilAsserted(() -> assertThat(admin.about(uuid)).anyMatch(m -> grantSeen(m, uuid)));

            // a change on the pool itself: the same message on every socket
            simulator.pool().set("VM", uuid, "name_label", "paula-renamed");
            await().atMost(WAIT).until(() -> renamed(owner, uuid) != null && renamed(admin, uuid) != null
                    && renamed(newcomer, uuid) != null);
            JsonNode change = renamed(owner, uuid);
            assertThat(change.path("old_val").path("name_label").asText()).isEqualTo("paula-vm");
            assertThat(renamed(admin, uuid)).isEqualTo(change);
            assertThat(renamed(newcomer, uuid)).isEqualTo(change);

            // the revoke: a remove to quentin, a change to the administrator
            users.revokeAll(ObjectType.VM, uuid, "quentin");
            await().atMost(WAIT).until(() -> newcomer.ofType("remove").stream()
                    .anyMatch(m -> uuid.equals(m.path("old_val").path("uuid").asText())));
            assertThat(newcomer.ofType("remove").get(0).path("old_val").path("name_label").asText())
                    .isEqualTo("paula-renamed");
            await().atMost(WAIT).until(() -> admin.ofType("change").stream().anyMatch(m -> revokeOf(m, uuid)));
            assertThat(admin.ofType("remove")).isEmpty();
            assertThat(admin.ofType("add")).noneMatch(m -> uuid.equals(m.path("uuid").asText()));
        } finally {
            ownerSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            adminSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            newcomerSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    /**
     * Initial records are written once per version of a VM and the same message is handed to every socket that opens
     * while the VM stays as it is: still, each socket gets only the VMs its user holds a right on. (Users of their own:
     * the application and pool are shared with other test classes, whose users hold rights on VMs of their own.)
     */
    @Test
    void initialRecordsSharedBySocketsStillFollowEachUsersRights() throws Exception {
        String ruthVm = ownedVm("ruth");
        String simonVm = ownedVm("simon");
        Client admin = new Client();
        WebSocket adminSocket = connect(admin, "Authorization", "Bearer " + users.adminToken());
        Client ruth = new Client();
        Client simon = new Client();
        WebSocket ruthSocket = null;
        WebSocket simonSocket = null;
        try {
            // the administrator's socket has the messages of both VMs written before the others open
            await().atMost(WAIT).until(() -> initialOf(admin, ruthVm) != null && initialOf(admin, simonVm) != null);
            ruthSocket = connect(ruth, "Authorization", "Bearer " + users.token("ruth"));
            simonSocket = connect(simon, "Authorization", "Bearer " + users.token("simon"));
            await().atMost(WAIT).until(() -> initialOf(ruth, ruthVm) != null && initialOf(simon, simonVm) != null);

            assertThat(ruth.ofType("initial")).extracting(m -> m.path("uuid").asText()).containsExactly(ruthVm);
            assertThat(simon.ofType("initial")).extracting(m -> m.path("uuid").asText()).containsExactly(simonVm);
            assertThat(initialOf(ruth, ruthVm)).isEqualTo(initialOf(admin, ruthVm));
            assertThat(initialOf(simon, simonVm)).isEqualTo(initialOf(admin, simonVm));
            assertThat(ruth.messages).hasSameSizeAs(ruth.ofType("initial"));
        } finally {
            adminSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            if (ruthSocket != null) {
                ruthSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            }
            if (simonSocket != null) {
                simonSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            }
        }
    }

    private static JsonNode initialOf(Client client, String uuid) {
        return client.ofType("initial").stream().filter(m -> uuid.equals(m.path("uuid").asText())).findFirst()
                .orElse(null);
    }

    /**
     * A message longer than a frame (64 KiB) goes as a text frame and continuation frames, as Vert.x' sendText split
     * it, and arrives whole.
     */
    @Test
    void aMessageLongerThanAFrameArrivesWhole() throws Exception {
        String uuid = ownedVm("tess");
        Client client = new Client();
        WebSocket socket = connect(client, "Authorization", "Bearer " + users.token("tess"));
        try {
            await().atMost(WAIT).until(() -> client.ofType("initial").size() == 1);
            // old and new record together are well over two frames
            String longName = "tess-" + "\u00e9".repeat(40_000);
            simulator.pool().set("VM", uuid, "name_label", longName);
            await().atMost(WAIT).until(() -> client.ofType("change").stream()
                    .anyMatch(m -> longName.equals(m.path("new_val").path("name_label").asText())));
            JsonNode change = client.ofType("change").stream()
                    .filter(m -> longName.equals(m.path("new_val").path("name_label").asText())).findFirst()
                    .orElseThrow();
            assertThat(change.path("old_val").path("name_label").asText()).isEqualTo("tess-vm");
            assertThat(change.path("new_val").path("uuid").asText()).isEqualTo(uuid);
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    /**
     * A client that negotiates permessage-deflate, as browsers do, gets the same messages compressed: the messages
     * written once for every socket still go through each socket's compression.
     */
    @Test
    void aClientThatNegotiatesCompressionGetsTheSameMessages() throws Exception {
        String uuid = ownedVm("ursula");
        Client plain = new Client();
        WebSocket plainSocket = connect(plain, "Authorization", "Bearer " + users.token("ursula"));
        try (RawWebSocket deflated = RawWebSocket.open(wsUri(), users.token("ursula"), 0, true)) {
            RawWebSocket.Message initial = deflated.read();
            assertThat(JSON.readTree(initial.text()).path("uuid").asText()).isEqualTo(uuid);
            await().atMost(WAIT).until(() -> plain.ofType("initial").size() == 1);
            assertThat(JSON.readTree(initial.text())).isEqualTo(plain.ofType("initial").get(0));

            simulator.pool().set("VM", uuid, "name_label", "ursula-renamed");
            // the rename's change, after whatever else the stream had about the VM (the grant may come in two events)
            JsonNode change = JSON.readTree(deflated.read().text());
            for (int more = 0; more < 20 && !"ursula-renamed".equals(change.path("new_val").path("name_label")
                    .asText()); more++) {
                change = JSON.readTree(deflated.read().text());
            }
            assertThat(change.path("type").asText()).isEqualTo("change");
            assertThat(change.path("new_val").path("name_label").asText()).isEqualTo("ursula-renamed");
            JsonNode seen = change;
            await().atMost(WAIT).until(() -> plain.ofType("change").contains(seen));
        } finally {
            plainSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    private static boolean grantSeen(JsonNode change, String uuid) {
        return "change".equals(change.path("type").asText()) && uuid.equals(change.path("new_val").path("uuid").asText())
                && !change.path("old_val").path("access").toString().contains("users/quentin")
                && change.path("new_val").path("access").toString().contains("users/quentin");
    }

    private static JsonNode renamed(Client client, String uuid) {
        return client.ofType("change").stream().filter(m -> uuid.equals(m.path("new_val").path("uuid").asText())
                && "paula-renamed".equals(m.path("new_val").path("name_label").asText())).findFirst().orElse(null);
    }

    private static boolean revokeOf(JsonNode change, String uuid) {
        return uuid.equals(change.path("new_val").path("uuid").asText())
                && change.path("old_val").path("access").toString().contains("users/quentin")
                && !change.path("new_val").path("access").toString().contains("users/quentin");
    }

    @Test
    void streamsOpenDuringAReloadOfThePoolAndOpenedAfterOneMissNothing() throws Exception {
        String first = ownedVm("una");
        Client during = new Client();
        WebSocket socket = connect(during, "Authorization", "Bearer " + users.token("una"));
        try {
            await().atMost(WAIT).until(() -> during.ofType("initial").size() == 1);
            reloadThePool();
            String second = ownedVm("una");
            await().atMost(WAIT).until(() -> during.ofType("add").stream()
                    .anyMatch(m -> second.equals(m.path("uuid").asText())));
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        // with no stream open, a reload leaves the records to the next stream to build
        await().atMost(WAIT).until(() -> Metrics.sum("vmemperor_vmlist_sockets") == 0);
        reloadThePool();

        Client after = new Client();
        socket = connect(after, "Authorization", "Bearer " + users.token("una"));
        try {
            await().atMost(WAIT).until(() -> after.ofType("initial").size() == 2);
            assertThat(after.ofType("initial")).extracting(m -> m.path("uuid").asText()).contains(first);
            as(users.token("una")).body(Map.of("uuid", first, "enable", true)).post("/startstopvm").then()
                    .statusCode(200);
            await().atMost(WAIT).until(() -> after.ofType("change").stream()
                    .anyMatch(m -> "Running".equals(m.path("new_val").path("power_state").asText())));
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    /** Makes the event feed load every object again, as after EVENTS_LOST from a real pool. */
    private void reloadThePool() {
        Instant loaded = cache.lastLoad().orElseThrow();
        simulator.faults().failNext("event.from", "EVENTS_LOST");
        // a change ends the feed's current long poll, so that its next event.from is the one that fails
        pool.newHaltedVm("nudge");
        await().atMost(WAIT).until(() -> cache.lastLoad().orElseThrow().isAfter(loaded));
    }

    @Test
    void openSocketsAreCountedOnMetrics() throws Exception {
        ownedVm("zoe");
        Client client = new Client();
        WebSocket socket = connect(client, "Authorization", "Bearer " + users.token("zoe"));
        try {
            await().atMost(WAIT).until(() -> !client.ofType("initial").isEmpty());
            // the socket is registered right after its initial records are sent
            await().atMost(WAIT).until(() -> Metrics.sum("vmemperor_vmlist_sockets") >= 1);
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        // every test closes its sockets, and a refused one is never counted
        await().atMost(WAIT).until(() -> Metrics.sum("vmemperor_vmlist_sockets") == 0);
        Client anonymous = new Client();
        connect(anonymous, null, null);
        assertThat(anonymous.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
        assertThat(Metrics.sum("vmemperor_vmlist_sockets")).isZero();
    }

    @Test
    void withoutASessionTheSocketIsClosedWith4401() throws Exception {
        Client anonymous = new Client();
        connect(anonymous, null, null);
        assertThat(anonymous.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
        assertThat(anonymous.messages).isEmpty();

        Client forged = new Client();
        connect(forged, "Authorization", "Bearer not-a-token");
        assertThat(forged.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
    }
}
