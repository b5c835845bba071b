package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.TestDatabase;

/**
 * The split suite as deploy/local/split-suite.sh starts it (five packaged services as separate processes, one fresh
 * PostgreSQL database they migrate together, Debian's nginx in front), with the simulator as its own process; the
 * scenario goes through the ingress port only.
 */
class SplitSuiteIT {

    private static Path runDir;
    private static Process simulator;
    private static GuestSshd guest;
    private static String ingress;

    @BeforeAll
    static void start() throws Exception {
        runDir = Files.createTempDirectory("vmemperor-split-suite");
        int simulatorPort = Processes.freePort();
        simulator = Processes.simulator(simulatorPort, runDir.resolve("simulator.log"));
        int ingressPort = Processes.freePort();
        guest = GuestSshd.start(runDir);
        TestDatabase db = TestDatabase.get();
        // the script's contract plus the playbook service's settings for the scenario's guest (the script passes its
        // environment on to the services)
        Map<String, String> env = new HashMap<>(guest.playbookEnvironment());
        env.putAll(Map.of(
                "VMEMPEROR_XENAPI_URL", "http://127.0.0.1:" + simulatorPort + "/",
                "VMEMPEROR_XENAPI_PASSWORD", Processes.POOL_PASSWORD,
                "DB_URL", db.jdbcUrl(), "DB_USER", db.username(), "DB_PASSWORD", db.password(),
                "INGRESS_PORT", Integer.toString(ingressPort),
                "VMEMPEROR_RUN_DIR", runDir.toString()));
        Processes.run(List.of(script().toString(), "start"), env, runDir.resolve("start.log"), Duration.ofMinutes(6));
        ingress = "http://127.0.0.1:" + ingressPort;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (runDir != null) {
                Processes.run(List.of(script().toString(), "stop"), Map.of("VMEMPEROR_RUN_DIR", runDir.toString()),
                        runDir.resolve("stop.log"), Duration.ofMinutes(2));
                for (String service : RouteTable.SERVICES) {
                    assertThat(runDir.resolve(service + ".pid")).as("stop removes what it started").doesNotExist();
                }
            }
        } finally {
            try {
                Processes.stop(simulator);
            } finally {
                if (guest != null) {
                    guest.close();
                }
            }
        }
    }

    private static Path script() {
        return ModuleFiles.path("local/split-suite.sh");
    }

    @Test
    void scenarioThroughTheIngress() throws Exception {
        new Scenario(ingress, Processes.POOL_PASSWORD, guest).run();
    }

    /**
     * The ingress answers only the route table: the services' own /q endpoints and unknown paths are 404. (nginx answers
     * /autoinstall, the prefix without its slash, with a redirect to /autoinstall/: a route of the table.)
     */
    @Test
    void ingressServesNothingElse() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/q/health/ready", "/q/health", "/q/metrics", "/nosuchroute", "/vmlist/x", "/login/x")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(ingress + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
        }
    }

    /**
     * A request target java.net.URI refuses (a bad percent-escape in the query, which nginx passes on unchanged) gets
     * the suite's JSON 400 from every service through the ingress: split-suite.sh runs them with
     * -Dvertx.disableURIValidation=true, without which Quarkus answers an empty 400 before any handler.
     */
    @Test
    void malformedRequestTargetGetsTheJsonError() throws Exception {
        for (String route : List.of("/userinfo", "/vminfo", "/netlist", "/vnc", "/playbooks")) {
            String answer = rawGet(route + "?x=%zz");
            assertThat(answer).as(route).startsWith("HTTP/1.1 400 ").contains("application/json")
                    .contains("malformed request URI");
        }
    }

    /** A GET written by hand: Java's clients refuse to send a target java.net.URI refuses. */
    private static String rawGet(String target) throws IOException {
        URI uri = URI.create(ingress);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The five services migrated one database concurrently: each migration is recorded once and succeeded. */
    @Test
    void schemaMigratedOnce() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version, count(*), bool_and(success)"
                        + " FROM flyway_schema_history WHERE version IS NOT NULL GROUP BY version")) {
            int versions = 0;
            while (rows.next()) {
                versions++;
                assertThat(rows.getInt(2)).as("V" + rows.getString(1) + " applied once").isEqualTo(1);
                assertThat(rows.getBoolean(3)).isTrue();
            }
            assertThat(versions).isGreaterThanOrEqualTo(4);
        }
    }
}
