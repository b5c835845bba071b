package org.vmemperor.standalone;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jboss.logging.Logger;
import org.vmemperor.simulator.XapiSimulator;

/**
 * The simulator and the embedded PostgreSQL the standalone starts when it was not given a pool or a database. Their
 * addresses reach Quarkus as system properties, which outrank every application.properties.
 */
final class LocalDependencies implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalDependencies.class);

    private static final String PLAYBOOK_NETWORKS = "vmemperor.playbooks.networks";

    private final XapiSimulator simulator;
    private final EmbeddedDatabase database;

    private LocalDependencies(XapiSimulator simulator, EmbeddedDatabase database) {
        this.simulator = simulator;
        this.database = database;
    }

    static LocalDependencies none() {
        return new LocalDependencies(null, null);
    }

    /**
     * Starts whichever of the two was not configured. The database starts on another thread while the simulator
     * builds its pool: both take about a second (a first start also runs initdb), and the launch waits for the slower.
     */
    static LocalDependencies startMissing(StandaloneSettings settings) {
        CompletableFuture<EmbeddedDatabase> database = settings.databaseUrl().isPresent()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> startDatabase(settings));
        settings.databaseUrl().ifPresent(url -> LOG.infof("Database: %s", url));
        XapiSimulator simulator = null;
        try {
            if (settings.poolUrl().isPresent()) {
                LOG.infof("Pool: %s", settings.poolUrl().get());
            } else {
                simulator = startSimulator(settings);
            }
            return new LocalDependencies(simulator, database.join());
        } catch (CompletionException e) {
            stopStarted(simulator, database);
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } catch (RuntimeException e) {
            stopStarted(simulator, database);
            throw e;
        }
    }

    private static void stopStarted(XapiSimulator simulator, CompletableFuture<EmbeddedDatabase> database) {
        if (simulator != null) {
            simulator.stop();
        }
        database.thenAccept(db -> {
            if (db != null) {
                db.close();
            }
        });
    }

    private static XapiSimulator startSimulator(StandaloneSettings settings) {
        Path stateFile = settings.dataDirectory().resolve("simulator-state.json");
        XapiSimulator simulator = XapiSimulator.builder()
                .port(settings.simulatorPort())
                .rootPassword(settings.poolPassword())
                .demoVms(settings.simulatorVms())
                .installSeconds(settings.simulatorInstallSeconds())
                .stateFile(stateFile)
                .build();
        simulator.start();
        System.setProperty("vmemperor.xenapi.url", simulator.url());
        System.setProperty("vmemperor.xenapi.username", "root");
        System.setProperty("vmemperor.xenapi.password", settings.poolPassword());
        // the simulator's guests are all on loopback: playbook runs of the demo may reach them and nothing else
        if (System.getProperty(PLAYBOOK_NETWORKS) == null && System.getenv("VMEMPEROR_PLAYBOOKS_NETWORKS") == null) {
            System.setProperty(PLAYBOOK_NETWORKS, "127.0.0.0/8");
        }
        LOG.infof("Pool: no vmemperor.xenapi.url given, started the XenAPI simulator at %s (user root, state in %s)",
                simulator.url(), stateFile);
        return simulator;
    }

    private static EmbeddedDatabase startDatabase(StandaloneSettings settings) {
        Path pgData = settings.dataDirectory().resolve("postgres");
        EmbeddedDatabase database = EmbeddedDatabase.start(pgData);
        System.setProperty("quarkus.datasource.jdbc.url", database.jdbcUrl());
        System.setProperty("quarkus.datasource.username", database.username());
        System.setProperty("quarkus.datasource.password", database.password());
        LOG.infof("Database: no DB_URL given, started an embedded PostgreSQL at %s with data in %s",
                database.jdbcUrl(), pgData);
        return database;
    }

    /** Stops both, simulator first (it saves its state); safe to call more than once. */
    @Override
    public synchronized void close() {
        if (simulator != null) {
            simulator.stop();
        }
        if (database != null) {
            database.close();
        }
    }
}
