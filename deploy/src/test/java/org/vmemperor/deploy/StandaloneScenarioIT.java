package org.vmemperor.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.TestDatabase;

/** The scenario of {@link SplitSuiteIT} against the packaged standalone, given the simulator and PostgreSQL. */
class StandaloneScenarioIT {

    private static Process simulator;
    private static Process standalone;
    private static GuestSshd guest;
    private static String origin;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("vmemperor-standalone-e2e");
        int simulatorPort = Processes.freePort();
        simulator = Processes.simulator(simulatorPort, dir.resolve("simulator.log"));
        int port = Processes.freePort();
        origin = "http://127.0.0.1:" + port;
        TestDatabase db = TestDatabase.get();
        guest = GuestSshd.start(dir);
        Path jar = ModuleFiles.repositoryRoot().resolve("standalone/target/quarkus-app/quarkus-run.jar");
        Map<String, String> env = new HashMap<>(guest.playbookEnvironment());
        env.putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "VMEMPEROR_XENAPI_URL", "http://127.0.0.1:" + simulatorPort + "/",
                "VMEMPEROR_XENAPI_PASSWORD", Processes.POOL_PASSWORD,
                "DB_URL", db.jdbcUrl(), "DB_USER", db.username(), "DB_PASSWORD", db.password(),
                "VMEMPEROR_DATA_DIR", dir.resolve("data").toString(),
                "VMEMPEROR_PUBLIC_URL", origin));
        env.putAll(Map.of("VMEMPEROR_PLAYBOOKS_DIR", ModuleFiles.repositoryRoot().resolve("ansible").toString(),
                "VMEMPEROR_PLAYBOOKS_LOGS_DIR", dir.resolve("playbook-logs").toString(),
                "VMEMPEROR_PLAYBOOKS_WORK_DIR", dir.resolve("playbook-runs").toString()));
        // the root README's command: the launcher (on JDK 21+ its archive is in standalone/target/quarkus-app/cds)
        env.put("JAVA", Processes.java());
        standalone = Processes.start(List.of(ModuleFiles.repositoryRoot().resolve("bin/vmemperor-run").toString(),
                jar.toString()), env,
                dir.resolve("standalone.log"));
        Processes.awaitReady(origin, standalone);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            Processes.stop(standalone);
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

    @Test
    void scenarioAgainstTheStandalone() throws Exception {
        new Scenario(origin, Processes.POOL_PASSWORD, guest).run();
    }
}
