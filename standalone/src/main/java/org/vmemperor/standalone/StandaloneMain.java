package org.vmemperor.standalone;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts what the suite needs and was not given (a pool simulator when no pool is configured, an embedded PostgreSQL
 * when no database is), hands their addresses to Quarkus as system properties, then runs every service's routes in
 * this one process. Stops them after Quarkus has stopped, so no connection outlives its server.
 */
@QuarkusMain
public final class StandaloneMain {

    private static final Logger LOG = Logger.getLogger(StandaloneMain.class);

    private static volatile LocalDependencies dependencies = LocalDependencies.none();

    private StandaloneMain() {
    }

    /** What {@link #main} started; nothing in tests, which do not go through main. */
    static LocalDependencies dependencies() {
        return dependencies;
    }

    public static void main(String... args) {
        dependencies = LocalDependencies.startMissing(StandaloneSettings.fromEnvironment());
        Quarkus.run(null, (exitCode, failure) -> {
            if (failure != null) {
                LOG.error("VMEmperor stopped on a failure", failure);
            }
            dependencies.close();
            System.exit(exitCode);
        }, args);
    }
}
