package org.vmemperor.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
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
    private static String origin;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("vmemperor-standalone-e2e");
        int simulatorPort = Processes.freePort();
        simulator = Processes.simulator(simulatorPort, dir.resolve("simulator.log"));
        int port = Processes.freePort();
        origin = "http://127.0.0.1:" + port;
        TestDatabase db = TestDatabase.get();
        Path jar = ModuleFiles.repositoryRoot().resolve("standalone/target/quarkus-app/quarkus-run.jar");
        standalone = Processes.start(List.of(Processes.java(), "-jar", jar.toString()), Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "VMEMPEROR_XENAPI_URL", "http://127.0.0.1:" + simulatorPort + "/",
                "VMEMPEROR_XENAPI_PASSWORD", Processes.POOL_PASSWORD,
                "DB_URL", db.jdbcUrl(), "DB_USER", db.username(), "DB_PASSWORD", db.password(),
                "VMEMPEROR_DATA_DIR", dir.resolve("data").toString(),
                "VMEMPEROR_PUBLIC_URL", origin), dir.resolve("standalone.log"));
        Processes.awaitReady(origin, standalone);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            Processes.stop(standalone);
        } finally {
            Processes.stop(simulator);
        }
    }

    @Test
    void scenarioAgainstTheStandalone() throws Exception {
        new Scenario(origin, Processes.POOL_PASSWORD).run();
    }
}
