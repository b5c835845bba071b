package org.vmemperor.standalone;

import java.util.concurrent.CompletionException;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Application;
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

    public static void main(String... args) {
        // Quarkus answers a request target java.net.URI refuses (bad percent-encoding) with an empty 400 before any
        // handler runs; without its check, common's RequestLimits refuses it with the API's JSON error body. Read
        // once when Quarkus' HTTP recorder loads, so it must be set before Quarkus starts.
        System.setProperty("vertx.disableURIValidation", "true");
        try {
            StandaloneSettings settings = StandaloneSettings.fromEnvironment();
            if (!settings.tokenKeysConfigured()) {
                // the installation's own key, kept with its data: no other installation accepts its sessions
                System.setProperty("vmemperor.security.key-directory", settings.dataDirectory().toString());
            }
            dependencies = LocalDependencies.startMissing(settings);
        } catch (RuntimeException e) {
            // one line that names the cause (the exception's own message does), not pages of traces
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            LOG.errorf("VMEmperor cannot start: %s", cause.getMessage() != null ? cause.getMessage() : cause);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(StandaloneMain::stopAfterQuarkus, "vmemperor-local-stop"));
        Quarkus.run(null, (exitCode, failure) -> {
            if (failure != null) {
                LOG.error("VMEmperor stopped on a failure", failure);
            }
            dependencies.close();
            System.exit(exitCode);
        }, args);
    }

    /**
     * On SIGTERM Quarkus stops from its own shutdown hook and never returns to the exit handler above, and JVM hooks
     * run side by side: this one waits until Quarkus has stopped (the HTTP server, the event feed, the connection
     * pool) before it stops the simulator (which saves its state) and the database they used, so a clean stop logs no
     * lost pool and no refused connection.
     */
    private static void stopAfterQuarkus() {
        Application application = Application.currentApplication();
        if (application != null) {
            application.awaitShutdown();
        }
        dependencies.close();
    }
}
