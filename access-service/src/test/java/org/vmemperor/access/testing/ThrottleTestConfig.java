package org.vmemperor.access.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Throttling small enough to test quickly. Every test client shares 127.0.0.1, so the per-address limit is raised
 * out of the way here and tested on other addresses through the bean. The base delay is the window in which a test's
 * next attempt must arrive to be refused: 3 s, because one login (a bcrypt hash) took more than 1 s on a loaded CI
 * machine.
 */
public class ThrottleTestConfig implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "vmemperor.access.throttle.free-failures-per-user", "3",
                "vmemperor.access.throttle.free-failures-per-address", "1000",
                "vmemperor.access.throttle.base-delay", "3s",
                "vmemperor.access.throttle.max-delay", "12s");
    }

    @Override
    public void stop() {
    }
}
