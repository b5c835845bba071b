package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vmemperor.common.testing.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

/**
 * Two vm-service instances (the packaged jar, two processes) on one database, one pool (the simulator as its own
 * process) and one signing key. Each reaches the pool through a {@link Relay} of its own, which records the XenAPI
 * methods that instance called; the installers fetch their answer files through a third relay (the ingress of a real
 * deployment), which lets the test act at the moment the fetch has been answered but not yet delivered.
 *
 * <p>
 * An install followed by both instances is finished once: one start of the installed system across both. An install
 * whose instance is killed (SIGKILL) after its installer fetched the answer file is taken over by the other instance,
 * which starts the installed system (once) and finishes the task; /taskstatus through the survivor answers
 * {@code installed}, and the task table holds one task for the VM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TEMPLATE = "Debian Bookworm 12";

    private static Path dir;
    private static Process simulator;
    private static String simulatorUrl;
    private static Relay poolA;
    private static Relay poolB;
    private static Relay answers;
    private static Process a;
    private static Process b;
    private static String originA;
    private static String originB;
    private static String database;
    private static String token;
    private static String template;
    private static String network;
    private static String storage;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("vmemperor-install-replicas");
        int simulatorPort = Processes.freePort();
        simulator = Processes.simulator(simulatorPort, dir.resolve("simulator.log"));
        simulatorUrl = "http://127.0.0.1:" + simulatorPort;
        Path keys = Processes.signingKeys(dir);
        TestDatabase db = TestDatabase.get();
        database = Processes.freshDatabase(db, "vmemperor_install_replicas");
        int portA = Processes.freePort();
        int portB = Processes.freePort();
        originA = "http://127.0.0.1:" + portA;
        originB = "http://127.0.0.1:" + portB;
        poolA = Relay.to(simulatorUrl);
        poolB = Relay.to(simulatorUrl);
        answers = Relay.to(originA);
        Map<String, String> env = new HashMap<>(Map.of(
                "VMEMPEROR_XENAPI_PASSWORD", Processes.POOL_PASSWORD,
                "DB_URL", database, "DB_USER", db.username(), "DB_PASSWORD", db.password(),
                "VMEMPEROR_SECURITY_PUBLIC_KEY_LOCATION", keys.resolve("public.pem").toString(),
                // the installers fetch their answer files through the relay (a deployment's ingress)
                "VMEMPEROR_PUBLIC_URL", answers.origin(),
                // the scan that picks up installs another instance started: every second instead of every 10 s
                "VMEMPEROR_INSTALL_WATCH_INTERVAL", "1s"));
        env.put("VMEMPEROR_XENAPI_URL", poolA.origin() + "/");
        a = Processes.service("vm", portA, env, dir.resolve("vm-a.log"));
        env.put("VMEMPEROR_XENAPI_URL", poolB.origin() + "/");
        b = Processes.service("vm", portB, env, dir.resolve("vm-b.log"));
        Processes.awaitReady(originA, a);
        Processes.awaitReady(originB, b);
        token = Processes.adminToken(keys);

        Connection pool = new Connection(new URL(simulatorUrl + "/"));
        Session.loginWithPassword(pool, "root", Processes.POOL_PASSWORD);
        try {
            template = VM.getByNameLabel(pool, TEMPLATE).iterator().next().getUuid(pool);
            network = Network.getByNameLabel(pool, "Pool-wide network associated with eth0").iterator().next()
                    .getUuid(pool);
            storage = SR.getByNameLabel(pool, "Local storage").iterator().next().getUuid(pool);
        } finally {
            Session.logout(pool);
        }
        post(originA, "/turntemplate", Map.of("uuid", template, "action", "on"));
        for (String origin : List.of(originA, originB)) {
            await().atMost(WAIT).until(() -> get(origin, "/tmpllist").toString().contains(template));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            Processes.stop(a);
            Processes.stop(b);
        } finally {
            for (Relay relay : new Relay[] { poolA, poolB, answers }) {
                if (relay != null) {
                    relay.close();
                }
            }
            Processes.stop(simulator);
        }
    }

    /**
     * Both instances follow the install (A started it, B's scan finds it in the task table), both see the installer
     * power the VM off, and one of them starts the installed system: exactly one VM.start after the installer's, across
     * the two. Runs before the takeover, which kills A.
     */
    @Test
    @Order(1)
    void bothInstancesFollowOneInstallAndFinishItOnce() throws Exception {
        long startsBefore = starts();
        String task = post(originA, "/createvm", createVm("both")).get("task").asText();
        JsonNode done = awaitFinished(originB, task);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("installed");
        String vm = done.path("uuid").asText();
        assertThat(post(originB, "/vminfo", Map.of("uuid", vm)).path("power_state").asText()).isEqualTo("Running");
        assertThat(starts() - startsBefore).as("the installer's start and the installed system's, nothing more")
                .isEqualTo(2);
        assertThat(tasksOf(vm)).as("one task for the VM").isEqualTo(1);
    }

    /**
     * A dies (SIGKILL) after its installer fetched the answer file, before the installer finished: the fetch is
     * recorded, the task installing. B takes the install over and drives it to {@code installed}: it starts the
     * installed system, once.
     */
    @Test
    @Order(2)
    void takesOverTheInstallOfAKilledInstance() throws Exception {
        long startsOnA = poolA.calls("VM.start");
        long startsOnB = poolB.calls("VM.start");
        AtomicReference<String> stateAtKill = new AtomicReference<>();
        AtomicReference<String> task = new AtomicReference<>();
        answers.beforeAnswer(path -> {
            // A answered the installer (and recorded the fetch in the database); the installer has not got the file
            // yet, so it cannot have finished. Once A's /createvm worker has recorded the install as begun (the
            // simulator's installer fetches while VM.start is still answering, sooner than a real one), A dies, as a
            // crashing process does. (The simulator's installer gives up its fetch after 10 s.)
            try {
                await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(20))
                        .until(() -> task.get() != null && taskRow(task.get()).startsWith("installing"));
                Processes.kill(a);
                stateAtKill.set(taskRow(task.get()));
            } catch (Exception e) {
                stateAtKill.set(e.toString());
            }
        });
        task.set(post(originA, "/createvm", createVm("takeover")).get("task").asText());
        await().atMost(WAIT).until(() -> stateAtKill.get() != null);
        assertThat(a.isAlive()).isFalse();
        assertThat(stateAtKill.get()).as("the task when A died").isEqualTo("installing unfinished");

        JsonNode done = awaitFinished(originB, task.get());
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("installed");
        assertThat(done.path("message").asText()).contains("installed system");
        String vm = done.path("uuid").asText();
        assertThat(post(originB, "/vminfo", Map.of("uuid", vm)).path("power_state").asText()).isEqualTo("Running");
        assertThat(poolA.calls("VM.start") - startsOnA).as("A started the installer").isEqualTo(1);
        assertThat(poolB.calls("VM.start") - startsOnB).as("B started the installed system, once").isEqualTo(1);
        assertThat(tasksOf(vm)).as("one task for the VM").isEqualTo(1);
    }

    private static long starts() {
        return poolA.calls("VM.start") + poolB.calls("VM.start");
    }

    private static Map<String, Object> createVm(String name) {
        return Map.of("template", template, "storage", storage, "network", network, "vdi_size", 10240,
                "ram_size", 1024, "name_label", "replicas-" + name, "hostname", "replicas-" + name,
                "username", "alice", "password", "correct horse battery");
    }

    /** Polls /taskstatus on {@code origin} until the install ended. */
    private static JsonNode awaitFinished(String origin, String task) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            last.set(post(origin, "/taskstatus", Map.of("task", task)));
            return List.of("installed", "failed").contains(last.get().path("state").asText());
        });
        return last.get();
    }

    /** The task's state and whether it finished, from the task table. */
    private static String taskRow(String task) throws Exception {
        try (java.sql.Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("SELECT state, finished FROM task WHERE id = ?")) {
            query.setString(1, task);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("task " + task).isTrue();
                return row.getString(1) + (row.getTimestamp(2) == null ? " unfinished" : " finished");
            }
        }
    }

    private static int tasksOf(String vm) throws Exception {
        try (java.sql.Connection connection = connect();
                PreparedStatement query = connection
                        .prepareStatement("SELECT count(*) FROM task WHERE kind = 'createvm' AND object_uuid = ?")) {
            query.setString(1, vm);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static java.sql.Connection connect() throws Exception {
        TestDatabase db = TestDatabase.get();
        return DriverManager.getConnection(database, db.username(), db.password());
    }

    private static JsonNode get(String origin, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(origin + path)).GET(), path);
    }

    private static JsonNode post(String origin, String path, Object body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(origin + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), path);
    }

    private static JsonNode send(HttpRequest.Builder request, String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(request.header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }
}
