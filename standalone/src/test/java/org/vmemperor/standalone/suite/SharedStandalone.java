package org.vmemperor.standalone.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One packaged standalone (simulator and embedded PostgreSQL included, configured only by environment variables) for
 * every suite class of a failsafe run: a JVM start is the expensive part, so the classes share it and it stops when
 * the run ends. Classes ask for it as a test method or constructor parameter.
 */
public final class SharedStandalone implements ParameterResolver {

    /** The pool's root password: the first administrator's. */
    public static final String ADMIN_PASSWORD = "suite-root-secret";

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final int simulatorPort;

    private SharedStandalone() throws IOException {
        dataDir = Files.createTempDirectory("vmemperor-suite");
        log = dataDir.resolve("standalone.log");
        port = freePort();
        simulatorPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        // this run is about what the standalone does when given nothing but these (CI exports DB_URL for others)
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("QUARKUS_DATASOURCE")
                || name.startsWith("VMEMPEROR_"));
        builder.environment().putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "VMEMPEROR_XENAPI_PASSWORD", ADMIN_PASSWORD,
                "VMEMPEROR_DATA_DIR", dataDir.toString(),
                "VMEMPEROR_SIMULATOR_PORT", Integer.toString(simulatorPort),
                "VMEMPEROR_SIMULATOR_VMS", "4",
                "VMEMPEROR_SIMULATOR_INSTALL_SECONDS", "2",
                // the repository's playbooks, so that /executeplaybook has one to refuse or accept
                "VMEMPEROR_PLAYBOOKS_DIR", Path.of("..", "ansible").toAbsolutePath().normalize().toString(),
                // every request of the suite comes from 127.0.0.1: its thousands of failed logins on purpose must not
                // lock out the suite's own logins (the per-user throttle still applies)
                "VMEMPEROR_ACCESS_THROTTLE_FREE_FAILURES_PER_ADDRESS", "1000000"));
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        RawHttp http = new RawHttp(port);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            assertThat(process.isAlive()).as("standalone process alive (see " + log + ")").isTrue();
            RawHttp.Answer ready = http.send("GET", "/q/health/ready", Map.of(), null);
            return ready.status() == 200 && ready.text().contains("\"UP\"");
        });
    }

    public static SharedStandalone get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedStandalone.class, key -> Holder.start(), Holder.class).standalone;
    }

    /** Stops the process when the whole run ends (JUnit closes the root store). */
    private record Holder(SharedStandalone standalone) implements ExtensionContext.Store.CloseableResource {
        static Holder start() {
            try {
                return new Holder(new SharedStandalone());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            standalone.stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SharedStandalone.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return get(context);
    }

    public int port() {
        return port;
    }

    public int simulatorPort() {
        return simulatorPort;
    }

    public RawHttp http() {
        return new RawHttp(port);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Everything the process logged so far. */
    public String log() throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    public boolean alive() {
        return process.isAlive();
    }

    private void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
