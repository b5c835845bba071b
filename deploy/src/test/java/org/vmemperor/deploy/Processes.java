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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Processes the end-to-end tests start as a user would: the simulator, the standalone, the split-suite script. */
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
