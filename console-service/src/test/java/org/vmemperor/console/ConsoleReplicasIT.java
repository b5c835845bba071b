package org.vmemperor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.security.KeyMaterial;
import org.vmemperor.common.security.SecurityConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.testing.TestDatabase;
import org.vmemperor.common.testing.TestSecurityConfig;
import org.vmemperor.console.testing.ConsoleClient;
import org.vmemperor.simulator.XapiSimulator;

/**
 * Two replicas of the packaged console-service on one database and one pool: a secret issued by one is accepted by
 * the other, once (the second use, on the first replica, is refused as already used).
 */
class ConsoleReplicasIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(180);

    private final List<Process> processes = new ArrayList<>();
    private XapiSimulator simulator;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        if (simulator != null) {
            simulator.stop();
        }
    }

    @Test
    void aSecretIssuedByOneReplicaIsAcceptedOnceByAnother() throws Exception {
        simulator = XapiSimulator.builder().port(0).rootPassword("secret").demoVms(3).build();
        simulator.start();
        TestDatabase db = TestDatabase.get();
        Path keys = Files.createTempDirectory("console-replicas-keys");
        Path logs = Files.createDirectories(Path.of("target", "replicas"));

        Map<String, String> env = new HashMap<>();
        env.put("VMEMPEROR_XENAPI_URL", simulator.url());
        env.put("VMEMPEROR_XENAPI_USERNAME", "root");
        env.put("VMEMPEROR_XENAPI_PASSWORD", "secret");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", db.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", db.password());
        // two JVMs starting at once on a shared, busy machine: give the first connection time
        env.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "60S");
        // both replicas and this test sign and verify with one key, as an installation's services do; the test
        // creates it in the key directory before either replica starts, so they do not race to create it
        env.put("VMEMPEROR_SECURITY_KEY_DIRECTORY", keys.toString());
        SecurityConfig security = TestSecurityConfig.keysIn(keys);
        String token = new TokenSigner(security, new KeyMaterial(security), null)
                .sign(new UserPrincipal("users/xen:root", "root", "root", List.of(), true), 0).token();
        int first = freePort();
        int second = freePort();
        start(env, first, logs.resolve("first.log"));
        start(env, second, logs.resolve("second.log"));
        awaitReady(first);
        awaitReady(second);

        String vm = simulator.pool().records("VM").values().stream()
                .filter(r -> !Boolean.TRUE.equals(r.get("is_a_template")) && !Boolean.TRUE.equals(r.get("is_control_domain"))
                        && "Running".equals(r.get("power_state")))
                .map(r -> (String) r.get("uuid")).sorted().findFirst().orElseThrow();

        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first + "/vnc"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"uuid\": \"" + vm + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).startsWith("ws://127.0.0.1:" + first + "/console?secret=");
        String secret = answer.body().substring(answer.body().indexOf("?secret="));

        ConsoleClient onSecond = ConsoleClient.open("ws://127.0.0.1:" + second + "/console" + secret);
        assertThat(new String(onSecond.read(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
        ConsoleClient onFirst = ConsoleClient.open("ws://127.0.0.1:" + first + "/console" + secret);
        assertThat(onFirst.awaitClose()).isEqualTo(new ConsoleClient.Close(4401, "console secret already used"));
        onSecond.close();
    }

    private void start(Map<String, String> env, int port, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("QUARKUS_")
                || name.startsWith("VMEMPEROR_"));
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        processes.add(builder.start());
    }

    private void awaitReady(int port) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            assertThat(processes).allMatch(Process::isAlive);
            HttpResponse<String> ready = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return ready.statusCode() == 200;
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
