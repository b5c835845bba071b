package org.vmemperor.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

/**
 * The standalone as a user starts it: the packaged jar, configured only by environment variables, with no pool and no
 * database given. It must become ready, serve the simulator to outside XenAPI clients, and keep its state across a
 * restart.
 */
class StandaloneIT {

    private static final String PASSWORD = "it-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Process process;

    @AfterEach
    void stopProcess() throws InterruptedException {
        stop();
    }

    @Test
    void startsReadyWithSimulatorAndEmbeddedDatabaseAndKeepsStateAcrossRestart() throws Exception {
        Path dataDir = Files.createTempDirectory("vmemperor-standalone-it");
        int httpPort = freePort();
        int simulatorPort = freePort();
        Map<String, String> env = Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "VMEMPEROR_XENAPI_PASSWORD", PASSWORD,
                "VMEMPEROR_DATA_DIR", dataDir.toString(),
                "VMEMPEROR_SIMULATOR_PORT", Integer.toString(simulatorPort),
                "VMEMPEROR_SIMULATOR_VMS", "4",
                "VMEMPEROR_PLAYBOOKS_DIR", Path.of("..", "ansible").toAbsolutePath().normalize().toString(),
                "VMEMPEROR_PLAYBOOKS_LOGS_DIR", dataDir.resolve("playbook-logs").toString(),
                "VMEMPEROR_PLAYBOOKS_WORK_DIR", dataDir.resolve("playbook-runs").toString());

        long started = System.nanoTime();
        start(env, dataDir.resolve("first.log"));
        awaitReady(httpPort);
        Duration startup = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("standalone ready in %d ms%n", startup.toMillis());

        assertEveryServiceAnswers(httpPort);

        Connection pool = new Connection(URI.create("http://127.0.0.1:" + simulatorPort + "/").toURL());
        Session.loginWithPassword(pool, "root", PASSWORD);
        VM vm = VM.getAllRecords(pool).entrySet().stream()
                .filter(e -> !e.getValue().isATemplate && !e.getValue().isControlDomain).findFirst().orElseThrow()
                .getKey();
        String uuid = vm.getUuid(pool);
        vm.setNameLabel(pool, "survives restarts");

        stop();
        start(env, dataDir.resolve("second.log"));
        awaitReady(httpPort);

        Connection again = new Connection(URI.create("http://127.0.0.1:" + simulatorPort + "/").toURL());
        Session.loginWithPassword(again, "root", PASSWORD);
        assertThat(VM.getByUuid(again, uuid).getNameLabel(again)).isEqualTo("survives restarts");
        assertThat(dataDir.resolve("postgres")).isDirectory();
    }

    /** One route of each service, through the packaged jar: the first administrator logs in with the pool's password. */
    private static void assertEveryServiceAnswers(int port) throws Exception {
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/adminauth"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"root\", \"password\": \"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as("/adminauth").isEqualTo(200);
        assertThat(login.body()).contains("\"status\":\"success\"");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        HttpResponse<String> playbooks = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/playbooks")).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(playbooks.statusCode()).as("/playbooks").isEqualTo(200);
        assertThat(playbooks.body()).as("the shipped playbooks").contains("\"id\":\"user-ssh-key\"")
                .contains("\"id\":\"nginx-webserver\"");
        for (String route : List.of("/userinfo", "/poollist", "/isolist", "/tmpllist", "/vmlist", "/playbooks")) {
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + route)).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(route).isEqualTo(200);
            HttpResponse<String> anonymous = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + route)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as(route + " without a session").isEqualTo(401);
        }
    }

    private void start(Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        // CI exports DB_URL for the other tests: this test is about what the standalone starts when given nothing
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("QUARKUS_DATASOURCE")
                || name.startsWith("VMEMPEROR_"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        process = builder.start();
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    private void awaitReady(int port) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            assertThat(process.isAlive()).as("standalone process alive").isTrue();
            HttpResponse<String> ready = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return ready.statusCode() == 200 && ready.body().contains("\"UP\"");
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
