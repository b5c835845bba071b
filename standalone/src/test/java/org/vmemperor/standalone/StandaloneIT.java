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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;

/**
 * The standalone as a user starts it: the packaged jar, configured only by environment variables, with no pool, no
 * database, no keys and no public URL given, on a port that is not the default. One installation's life, in the order a
 * user meets it: the first /createvm installs (the VMs are told the port really served), a {@code kill -9} and a
 * restart (the leftover PostgreSQL is dealt with, the simulator's state and the session key survive), a quiet clean
 * stop; then a second installation, which refuses the first one's session.
 */
class StandaloneIT {

    private static final String PASSWORD = "it-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern WARNING = Pattern.compile(
            "\\b(WARN|WARNING|ERROR|SEVERE)\\b|Exception|^\\s+at ", Pattern.MULTILINE);

    private final List<Path> dataDirectories = new ArrayList<>();
    private Process process;

    @AfterEach
    void stopEverything() throws Exception {
        stop();
        // a failed test may leave the PostgreSQL of a killed run behind
        for (Path dir : dataDirectories) {
            Path pidFile = dir.resolve("postgres").resolve("postmaster.pid");
            if (Files.isRegularFile(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    @Test
    void installsSurvivesKillMinus9StopsQuietlyAndKeepsItsKeysToItself() throws Exception {
        Path dataDir = dataDirectory();
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
                "VMEMPEROR_PLAYBOOKS_WORK_DIR", dataDir.resolve("playbook-runs").toString(),
                "VMEMPEROR_SIMULATOR_INSTALL_SECONDS", "1");

        long started = System.nanoTime();
        Path firstLog = dataDir.resolve("first.log");
        start(env, firstLog);
        awaitReady(httpPort);
        System.out.printf("standalone ready in %d ms%n", Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(Files.readString(firstLog)).contains("Public URL").contains("http://localhost:" + httpPort + ",");

        String admin = login(httpPort);
        assertEveryServiceAnswers(httpPort, admin);
        Path key = dataDir.resolve("token-signing-key.pem");
        assertThat(key).as("the installation's session key, in its data directory").isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

        // the first /createvm: the installer must reach the answer file on the port really served
        Connection pool = new Connection(URI.create("http://127.0.0.1:" + simulatorPort + "/").toURL());
        Session.loginWithPassword(pool, "root", PASSWORD);
        String vm = install(httpPort, admin, pool);

        // the simulator writes its state behind: the installed VM, running, reaches the file without a stop
        Path state = dataDir.resolve("simulator-state.json");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "Running".equals(savedPowerState(state, vm)));
        process.destroyForcibly().waitFor();
        process = null;

        Path secondLog = dataDir.resolve("second.log");
        start(env, secondLog);
        awaitReady(httpPort);
        assertThat(Files.readString(secondLog)).contains("Stopping the PostgreSQL");
        assertThat(post(httpPort, "/vminfo", admin, Map.of("uuid", vm)).statusCode())
                .as("the session and the VM survive the crash").isEqualTo(200);
        Connection again = new Connection(URI.create("http://127.0.0.1:" + simulatorPort + "/").toURL());
        Session.loginWithPassword(again, "root", PASSWORD);
        assertThat(VM.getByUuid(again, vm).getPowerState(again)).isEqualTo(Types.VmPowerState.RUNNING);

        long before = Files.size(secondLog);
        stop();
        String stopping = Files.readString(secondLog).substring((int) before);
        assertThat(stopping).as("what the clean stop logged").doesNotContainPattern(WARNING);

        // another installation on the same machine: its own key, so the first one's session means nothing there
        Path otherDir = dataDirectory();
        int otherPort = freePort();
        start(Map.of("QUARKUS_HTTP_PORT", Integer.toString(otherPort), "VMEMPEROR_XENAPI_PASSWORD", PASSWORD,
                "VMEMPEROR_DATA_DIR", otherDir.toString(), "VMEMPEROR_SIMULATOR_VMS", "1"),
                otherDir.resolve("other.log"));
        awaitReady(otherPort);
        assertThat(get(otherPort, "/userinfo", admin).statusCode()).as("another installation's admin cookie")
                .isEqualTo(401);
        assertThat(get(otherPort, "/userinfo", login(otherPort)).statusCode()).isEqualTo(200);
    }

    /**
     * /createvm of a Debian template (enabled through /turntemplate), driven to {@code installed}; answers the VM's
     * uuid. The pool's uuids come from the simulator over XenAPI.
     */
    private static String install(int port, String admin, Connection pool) throws Exception {
        String template = VM.getByNameLabel(pool, "Debian Bookworm 12").iterator().next().getUuid(pool);
        String network = Network.getByNameLabel(pool, "Pool-wide network associated with eth0").iterator().next()
                .getUuid(pool);
        String storage = SR.getByNameLabel(pool, "Local storage").iterator().next().getUuid(pool);
        assertThat(post(port, "/turntemplate", admin, Map.of("uuid", template, "action", "on")).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/tmpllist", admin).body().contains(template));
        HttpResponse<String> created = post(port, "/createvm", admin, Map.of("template", template, "storage", storage,
                "network", network, "vdi_size", 10240, "ram_size", 1024, "name_label", "first-vm", "hostname",
                "first01", "username", "alice", "password", "plain-Secret-9"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String task = JSON.readTree(created.body()).path("task").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = JSON.readTree(post(port, "/taskstatus", admin, Map.of("task", task)).body());
            String taskState = last[0].path("state").asText();
            return "installed".equals(taskState) || "failed".equals(taskState);
        });
        assertThat(last[0].path("state").asText()).as(last[0].toString()).isEqualTo("installed");
        return last[0].path("uuid").asText();
    }

    /** The power state of a VM in the simulator's state file, null when absent. */
    private static String savedPowerState(Path state, String vm) throws IOException {
        for (JsonNode record : JSON.readTree(state.toFile()).path("objects").path("VM")) {
            if (vm.equals(record.path("uuid").asText())) {
                return record.path("power_state").asText();
            }
        }
        return null;
    }

    /** The first administrator logs in with the pool's password; answers the session cookie. */
    private static String login(int port) throws Exception {
        HttpResponse<String> login = post(port, "/adminauth", null, Map.of("username", "root", "password", PASSWORD));
        assertThat(login.statusCode()).as("/adminauth").isEqualTo(200);
        assertThat(login.body()).contains("\"status\":\"success\"");
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    /** One route of each service, through the packaged jar. */
    private static void assertEveryServiceAnswers(int port, String cookie) throws Exception {
        HttpResponse<String> playbooks = get(port, "/playbooks", cookie);
        assertThat(playbooks.statusCode()).as("/playbooks").isEqualTo(200);
        assertThat(playbooks.body()).as("the shipped playbooks").contains("\"id\":\"user-ssh-key\"")
                .contains("\"id\":\"nginx-webserver\"");
        for (String route : List.of("/userinfo", "/poollist", "/isolist", "/tmpllist", "/vmlist", "/playbooks")) {
            assertThat(get(port, route, cookie).statusCode()).as(route).isEqualTo(200);
            assertThat(get(port, route, null).statusCode()).as(route + " without a session").isEqualTo(401);
        }
    }

    private static HttpResponse<String> get(int port, String route, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + route));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String route, String cookie, Map<String, ?> body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + route))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path dataDirectory() throws IOException {
        Path dir = Files.createTempDirectory("vmemperor-standalone-it");
        dataDirectories.add(dir);
        return dir;
    }

    private void start(Map<String, String> env, Path log) throws IOException {
        // the root README's command: the launcher (on JDK 21+ its class-data archive is in target/quarkus-app/cds)
        ProcessBuilder builder = new ProcessBuilder(Path.of("..", "bin", "vmemperor-run").toAbsolutePath().toString(),
                Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        // CI exports DB_URL for the other tests: this test is about what the standalone starts when given nothing
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("QUARKUS_DATASOURCE")
                || name.startsWith("VMEMPEROR_") || name.startsWith("JAVA_OPTS"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        process = builder.start();
    }

    /** SIGTERM, as Ctrl-C or systemd stop it. */
    private void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    private void awaitReady(int port) {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            assertThat(process.isAlive()).as("standalone process alive").isTrue();
            HttpResponse<String> ready = get(port, "/q/health/ready", null);
            return ready.statusCode() == 200 && ready.body().contains("\"UP\"");
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
