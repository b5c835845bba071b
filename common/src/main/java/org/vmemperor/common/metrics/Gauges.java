package org.vmemperor.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Gauges bound to the object of this application instance. Micrometer's registries hand back the meter already
 * registered under the same name and tags, and Quarkus' root registry outlives an application that restarts in the
 * same JVM (tests with another profile, dev-mode reloads): a plain {@code register} there returns the stopped
 * instance's gauge, which reads the stopped instance's objects forever (the /vmlist socket gauge stayed at 0 in CI).
 */
public final class Gauges {

    private Gauges() {
    }

    /** Registers the gauge, replacing any gauge of the same name and tags (removing it from every child registry). */
    public static Gauge registerFresh(MeterRegistry registry, Gauge.Builder<?> builder) {
        registry.remove(builder.register(registry));
        return builder.register(registry);
    }
}
