package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.TestDatabase;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two playbook-service instances (the packaged jar, two processes) with different node names on one database and one
 * signing key, sharing their logs directory (a deployment's shared volume). The runs are of a playbook of the test's
 * own with a fixed inventory (this machine, ansible's local connection) that holds until a file exists, so the test
 * decides when a run ends.
 *
 * <p>
 * What the heartbeat design promises, with a short heartbeat (1 s) and stale-after (6 s): a run started on A is
 * visible through B (its task in the shared table, its log through B's /playbooklog); B leaves a run of a live A alone;
 * a run whose instance stopped beating (paused) or died (SIGKILL) is marked failed as interrupted by B, and is not
 * left running; the run's own instance, should it come back and see its ansible-playbook exit, does not overwrite
 * that end (one end per run); B's own run goes on and succeeds throughout.
 */
class PlaybookReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration STALE_AFTER = Duration.ofSeconds(6);
    private static final String PLAYBOOK = """
            ---
            - name: holding
              hosts: all
              gather_facts: false
              tasks:
                - name: the run has started
                  ansible.builtin.file:
                    path: "{{ path }}.started"
                    state: touch
                - name: the file appears
                  ansible.builtin.wait_for:
                    path: "{{ path }}"
                    timeout: 300
            """;

    private static Path dir;
    private static Process simulator;
    private static Process a;
    private static Process b;
    private static String originA;
    private static String originB;
    private static String database;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("vmemperor-playbook-replicas");
        int simulatorPort = Processes.freePort();
        simulator = Processes.simulator(simulatorPort, dir.resolve("simulator.log"));
        Path keys = Processes.signingKeys(dir);
        Path hold = Files.createDirectories(dir.resolve("playbooks").resolve("hold"));
        Files.writeString(hold.resolve("vmemperor.conf"), """
                name: Hold
                description: Touches path.started, then waits until path exists
                playbook: site.yml
                inventory: hosts
                variables:
                  path:
                    description: The file to wait for
                    type: str
                """);
        Files.writeString(hold.resolve("hosts"), "[all]\nlocalhost ansible_connection=local\n");
        Files.writeString(hold.resolve("site.yml"), PLAYBOOK);
        TestDatabase db = TestDatabase.get();
        database = Processes.freshDatabase(db, "vmemperor_playbook_replicas");
        Map<String, String> env = new HashMap<>(Map.of(
                "VMEMPEROR_XENAPI_URL", "http://127.0.0.1:" + simulatorPort + "/",
                "VMEMPEROR_XENAPI_PASSWORD", Processes.POOL_PASSWORD,
                "DB_URL", database, "DB_USER", db.username(), "DB_PASSWORD", db.password(),
                "VMEMPEROR_SECURITY_PUBLIC_KEY_LOCATION", keys.resolve("public.pem").toString(),
                "VMEMPEROR_PLAYBOOKS_DIR", dir.resolve("playbooks").toString(),
                // one logs directory for both: a shared volume, so that either instance serves any run's log
                "VMEMPEROR_PLAYBOOKS_LOGS_DIR", dir.resolve("logs").toString(),
                "VMEMPEROR_PLAYBOOKS_HEARTBEAT_INTERVAL", HEARTBEAT.toSeconds() + "s",
                "VMEMPEROR_PLAYBOOKS_STALE_AFTER", STALE_AFTER.toSeconds() + "s"));
        int portA = Processes.freePort();
        int portB = Processes.freePort();
        originA = "http://127.0.0.1:" + portA;
        originB = "http://127.0.0.1:" + portB;
        env.putAll(Map.of("VMEMPEROR_PLAYBOOKS_NODE_NAME", "node-a",
                "VMEMPEROR_PLAYBOOKS_WORK_DIR", dir.resolve("work-a").toString()));
        a = Processes.service("playbook", portA, env, dir.resolve("playbook-a.log"));
        env.putAll(Map.of("VMEMPEROR_PLAYBOOKS_NODE_NAME", "node-b",
                "VMEMPEROR_PLAYBOOKS_WORK_DIR", dir.resolve("work-b").toString()));
        b = Processes.service("playbook", portB, env, dir.resolve("playbook-b.log"));
        Processes.awaitReady(originA, a);
        Processes.awaitReady(originB, b);
        token = Processes.adminToken(keys);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (a != null && a.isAlive()) {
                signal("CONT", a);
                Processes.kill(a);
            }
            if (b != null && b.isAlive()) {
                Processes.kill(b);
            }
        } finally {
            Processes.stop(simulator);
        }
    }

    @Test
    void runsOfAStoppedInstanceEndOnceAndTheOtherInstanceGoesOn() throws Exception {
        // a run on each instance
        Path holdA = dir.resolve("hold-a");
        Path holdB = dir.resolve("hold-b");
        String onA = execute(originA, holdA);
        String onB = execute(originB, holdB);
        awaitStarted(holdA);
        awaitStarted(holdB);
        assertThat(task(onA).state()).isEqualTo("running");
        assertThat(node(onA)).isEqualTo("node-a");
        assertThat(node(onB)).isEqualTo("node-b");
        await("A's run's log through B").atMost(WAIT).until(() -> log(originB, onA).contains("the run has started"));

        // B's heartbeat scan has run when A's run was older than stale-after: a live instance's run is left alone
        Instant staleFrom = task(onA).created().plus(STALE_AFTER).plus(HEARTBEAT);
        await("B scans past the stale point of A's run").atMost(WAIT)
                .until(() -> heartbeat(onB).isAfter(staleFrom.plus(HEARTBEAT)));
        assertThat(task(onA).state()).as("A's run while A beats").isEqualTo("running");

        // A stops beating (paused: its ansible-playbook goes on): B marks the run failed, once
        signal("STOP", a);
        await("B marks the run of the paused A interrupted").atMost(WAIT)
                .until(() -> task(onA).finished() != null);
        Task interrupted = task(onA);
        assertThat(interrupted.state()).isEqualTo("failure");
        assertThat(interrupted.message()).contains("interrupted");
        assertThat(interrupted.returncode()).isNull();
        // ansible-playbook ends while A is paused; A comes back, sees it exit, and leaves the task as B ended it
        Files.writeString(holdA, "go");
        await("A's ansible-playbook ended").atMost(WAIT).until(() -> log(originB, onA).contains("PLAY RECAP"));
        signal("CONT", a);
        await("A saw its run end").atMost(WAIT)
                .until(() -> Files.readString(dir.resolve("playbook-a.log")).contains("Playbook run " + onA + " ended"));
        assertThat(task(onA)).as("the run's first end stands").isEqualTo(interrupted);
        assertThat(logOf(onA, "stderr")).contains("exited with 0 after the run had been marked interrupted");

        // A dies during a run (SIGKILL, its ansible-playbook with it): B marks the run failed, not left running
        Path holdDead = dir.resolve("hold-dead");
        String dead = execute(originA, holdDead);
        awaitStarted(holdDead);
        Processes.kill(a);
        await("B marks the run of the dead A interrupted").atMost(WAIT).until(() -> task(dead).finished() != null);
        assertThat(task(dead).state()).isEqualTo("failure");
        assertThat(task(dead).message()).as("B's words, not a stopping A's")
                .isEqualTo("the run was interrupted: the replica running it stopped");
        assertThat(log(originB, dead)).contains("the run has started");

        // B's own run went on throughout
        assertThat(task(onB).finished()).as("B's run").isNull();
        Files.writeString(holdB, "go");
        await("B's run ends").atMost(WAIT).until(() -> task(onB).finished() != null);
        assertThat(task(onB).state()).isEqualTo("success");
        assertThat(task(onB).returncode()).isZero();
        assertThat(log(originB, onB)).contains("PLAY RECAP");
    }

    private static String execute(String origin, Path hold) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(origin + "/executeplaybook"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("playbook", "hold", "path", hold.toString()))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).get("task").asText();
    }

    private static void awaitStarted(Path hold) {
        Path started = hold.resolveSibling(hold.getFileName() + ".started");
        await("the run at " + hold).atMost(WAIT).until(() -> Files.exists(started));
    }

    /** GET /playbooklog (stdout) on {@code origin}; empty while it answers anything but 200. */
    private static String log(String origin, String task) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(origin + "/playbooklog?task=" + task))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? answer.body() : "";
    }

    private static String logOf(String task, String stream) throws Exception {
        return Files.readString(dir.resolve("logs").resolve(task).resolve(stream));
    }

    private static void signal(String signal, Process process) throws Exception {
        Processes.run(List.of("kill", "-" + signal, Long.toString(process.pid())), Map.of(), dir.resolve("kill.log"),
                Duration.ofSeconds(30));
    }

    /** A row of the task table: what /taskstatus (vm-service) answers for the run. */
    record Task(String state, String message, Integer returncode, Instant created, Instant finished) {
    }

    private static Task task(String id) throws Exception {
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT state, message, returncode, created, finished FROM task WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("task " + id).isTrue();
                Integer returncode = (Integer) row.getObject(3);
                Timestamp finished = row.getTimestamp(5);
                return new Task(row.getString(1), row.getString(2), returncode, row.getTimestamp(4).toInstant(),
                        finished == null ? null : finished.toInstant());
            }
        }
    }

    private static Instant heartbeat(String task) throws Exception {
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT heartbeat FROM playbook_run WHERE task_id = ?")) {
            query.setString(1, task);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("run " + task).isTrue();
                return row.getTimestamp(1).toInstant();
            }
        }
    }

    private static String node(String task) throws Exception {
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT node FROM playbook_run WHERE task_id = ?")) {
            query.setString(1, task);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("run " + task).isTrue();
                return row.getString(1);
            }
        }
    }

    private static Connection connect() throws Exception {
        TestDatabase db = TestDatabase.get();
        return DriverManager.getConnection(database, db.username(), db.password());
    }
}
