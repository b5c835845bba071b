package org.vmemperor.deploy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.vmemperor.common.security.KeyMaterial;
import org.vmemperor.common.security.SecurityConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.testing.TestDatabase;
import org.vmemperor.common.testing.TestSecurityConfig;

/**
 * Processes the end-to-end tests start as a user would: the simulator, the standalone, the split-suite script, single
 * service jars.
 */
final class Processes {

    static final String POOL_PASSWORD = "e2e-pool-secret";

    private Processes() {
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The XenAPI simulator as its own process (its packaged jar), listening on the returned URL. */
    static Process simulator(int port, Path log) throws IOException {
        Path jar = ModuleFiles.repositoryRoot().resolve("xapi-simulator/target/xapi-simulator-0.1.0-SNAPSHOT.jar");
        Process process = start(List.of(java(), "-jar", jar.toString(), "--port", Integer.toString(port), "--password",
                POOL_PASSWORD, "--install-seconds", "1"), Map.of(), log);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the simulator exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            }
        });
        return process;
    }

    /**
     * One service's packaged jar ({@code <service>-service/target/quarkus-app/quarkus-run.jar}) as its own process on
     * 127.0.0.1:{@code port}, configured as deploy/local/split-suite.sh configures it (its JVM options, development keys
     * off, the JSON 400 for malformed request targets, a patient first database connection), plus {@code env}: the
     * pool, the database, the keys and the service's own settings.
     */
    static Process service(String service, int port, Map<String, String> env, Path log) throws IOException {
        Path jar = ModuleFiles.repositoryRoot().resolve(service + "-service/target/quarkus-app/quarkus-run.jar");
        Map<String, String> all = new HashMap<>(Map.of("VMEMPEROR_SECURITY_DEV_KEYS", "false",
                "QUARKUS_HTTP_HOST", "127.0.0.1", "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "60S"));
        all.putAll(env);
        return start(List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dvertx.disableURIValidation=true", "-jar", jar.toString()), all, log);
    }

    /**
     * One RSA signing key pair in {@code dir} ({@code private.pem} PKCS#8, {@code public.pem} X.509), made with the
     * openssl commands split-suite.sh uses: what common's KeyMaterial reads.
     */
    static Path signingKeys(Path dir) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        run(List.of("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                keys.resolve("private.pem").toString()), Map.of(), dir.resolve("keys.log"), Duration.ofMinutes(1));
        run(List.of("openssl", "pkey", "-in", keys.resolve("private.pem").toString(), "-pubout", "-out",
                keys.resolve("public.pem").toString()), Map.of(), dir.resolve("keys.log"), Duration.ofMinutes(1));
        return keys;
    }

    /**
     * A token of the pool's root (an administrator) signed with the private key of {@link #signingKeys}, as
     * access-service signs the one /adminauth answers: every service given the public key accepts it.
     */
    static String adminToken(Path keys) {
        SecurityConfig security = TestSecurityConfig.signingWith(keys.resolve("private.pem"));
        return new TokenSigner(security, new KeyMaterial(security), null)
                .sign(new UserPrincipal("users/xen:root", "root", "root", List.of(), true), 0).token();
    }

    /** A fresh database of its own on the test PostgreSQL (TestDatabase's is shared by the tests of this JVM). */
    static String freshDatabase(TestDatabase db, String prefix) throws Exception {
        String name = prefix + "_" + Long.toHexString(System.nanoTime());
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        String url = db.jdbcUrl();
        int slash = url.lastIndexOf('/');
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + name + (query < 0 ? "" : url.substring(query));
    }

    /**
     * Ends a process as a crash would (SIGKILL, no shutdown hooks), together with the children it started (a playbook
     * service's ansible-playbook would otherwise go on as an orphan).
     */
    static void kill(Process process) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly().waitFor();
        children.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle child : children) {
            child.onExit().join();
        }
    }

    static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        // CI exports DB_* and the tests' own settings: each process gets exactly what the test gives it
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("QUARKUS_")
                || name.startsWith("VMEMPEROR_"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Runs a command to its end; fails with its output unless it exits 0 within the time given. */
    static void run(List<String> command, Map<String, String> env, Path log, Duration timeout) throws Exception {
        Process process = start(command, env, log);
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not finish in " + timeout + ":\n" + Files.readString(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " exited " + process.exitValue() + ":\n" + Files.readString(log));
        }
    }

    static void awaitReady(String origin, Process process) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited with " + process.exitValue());
            }
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(origin + "/q/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return ready.statusCode() == 200;
        });
    }
}
