package org.vmemperor.common.testing;

import java.util.HashMap;
import java.util.Map;

import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A XenAPI pool simulator on a free port plus a fresh PostgreSQL database, handed to the application under test
 * through config, as a real pool and database would be. Test classes get the simulator with
 * {@code @InjectSimulator XapiSimulator simulator;} to change the pool or inject faults.
 */
public class PoolTestResource implements QuarkusTestResourceLifecycleManager {

    /** The simulator's root password: what /adminauth tests log in with. */
    public static final String ROOT_PASSWORD = "secret";

    private XapiSimulator simulator;

    @Override
    public Map<String, String> start() {
        simulator = XapiSimulator.builder()
                .port(0)
                .rootPassword(ROOT_PASSWORD)
                .demoVms(3)
                .installSeconds(1)
                .build();
        simulator.start();
        TestDatabase db = TestDatabase.get();
        Map<String, String> config = new HashMap<>();
        config.put("vmemperor.xenapi.url", simulator.url());
        config.put("vmemperor.xenapi.username", "root");
        config.put("vmemperor.xenapi.password", ROOT_PASSWORD);
        // short polls and back-off keep failure tests quick; production defaults are longer
        config.put("vmemperor.xenapi.event-poll-timeout", "5s");
        config.put("vmemperor.xenapi.reconnect-max-delay", "1s");
        config.put("quarkus.datasource.jdbc.url", db.jdbcUrl());
        config.put("quarkus.datasource.username", db.username());
        config.put("quarkus.datasource.password", db.password());
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(simulator,
                new TestInjector.AnnotatedAndMatchesType(InjectSimulator.class, XapiSimulator.class));
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.stop();
        }
    }
}
