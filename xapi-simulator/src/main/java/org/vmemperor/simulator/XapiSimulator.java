package org.vmemperor.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;
import org.vmemperor.simulator.demo.DemoPoolBuilder;
import org.vmemperor.simulator.event.EventLog;
import org.vmemperor.simulator.event.EventService;
import org.vmemperor.simulator.http.ConsoleEndpoint;
import org.vmemperor.simulator.http.SimulatorHttpServer;
import org.vmemperor.simulator.installer.Installer;
import org.vmemperor.simulator.installer.InstallerFetch;
import org.vmemperor.simulator.ops.GenericOperations;
import org.vmemperor.simulator.ops.GuestAddresses;
import org.vmemperor.simulator.ops.InstalledSystems;
import org.vmemperor.simulator.ops.NetworkOperations;
import org.vmemperor.simulator.ops.SessionOperations;
import org.vmemperor.simulator.ops.TaskAndEventOperations;
import org.vmemperor.simulator.ops.VbdOperations;
import org.vmemperor.simulator.ops.VdiOperations;
import org.vmemperor.simulator.ops.VifOperations;
import org.vmemperor.simulator.ops.VmOperations;
import org.vmemperor.simulator.ops.VmPower;
import org.vmemperor.simulator.rpc.Dispatcher;
import org.vmemperor.simulator.rpc.MethodRegistry;
import org.vmemperor.simulator.state.StateFile;
import org.vmemperor.simulator.store.ClassRegistry;
import org.vmemperor.simulator.store.ObjectStore;
import org.vmemperor.simulator.task.TaskManager;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * A XenAPI pool in memory behind a real HTTP server: the Java SDK, XO's client or Python's XenAPI.py cannot tell
 * it from xapi for what VMEmperor uses. Build with {@link #builder()}, then {@link #start()}.
 */
public final class XapiSimulator {
    private static final Logger LOG = Logger.getLogger(XapiSimulator.class);

    private final Builder config;
    private final ObjectStore store;
    private final InstalledSystems systems = new InstalledSystems();
    private final GuestAddresses addresses = new GuestAddresses();
    private final EventService events;
    private final Installer installer;
    private final VmPower power;
    private final Faults faults;
    private final PoolApi pool;
    private final Dispatcher dispatcher;
    private final ConsoleEndpoint console;
    private final DemoPoolBuilder demo;
    private final MethodRegistry methods = new MethodRegistry();
    private final ScheduledExecutorService timers;
    private final ExecutorService workers;
    private final ExecutorService io;
    private final Object saveLock = new Object();
    private volatile int port;
    private boolean populated;
    private ScheduledFuture<?> periodicSave;
    /** The event id the state file holds; a save is needed once the pool has moved past it. */
    private long savedEventId = -1;
    private Vertx vertx;
    private SimulatorHttpServer server;

    private XapiSimulator(Builder config) {
        this.config = config;
        this.port = config.port;
        this.timers = Executors.newScheduledThreadPool(4, daemon("xapi-sim-timer"));
        this.workers = Executors.newFixedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 2),
                daemon("xapi-sim-worker"));
        this.io = Executors.newCachedThreadPool(daemon("xapi-sim-installer"));
        this.store = new ObjectStore(new ClassRegistry(), new EventLog(config.eventHistory));
        this.events = new EventService(store, timers, Duration.ofMillis(50));
        this.power = new VmPower(store, systems, () -> port);
        this.installer = new Installer(store, power, timers, io, Duration.ofMillis(config.installMillis), addresses);
        power.setBootListener(installer);
        this.faults = new Faults(() -> store.atomically(() -> store.clear("session")));
        TaskManager tasks = new TaskManager(store, timers, faults::latencyOf);
        SessionOperations sessions = new SessionOperations(store, config.rootPassword);
        VdiOperations vdis = new VdiOperations(store);
        VbdOperations vbds = new VbdOperations(store);
        VifOperations vifs = new VifOperations(store);
        NetworkOperations networks = new NetworkOperations(store);
        VmOperations vms = new VmOperations(store, power, vdis, vbds, vifs);
        new GenericOperations(store).register(methods);
        sessions.register(methods);
        vdis.register(methods);
        vbds.register(methods);
        vifs.register(methods);
        networks.register(methods);
        vms.register(methods);
        new TaskAndEventOperations(store, tasks, events).register(methods);
        this.dispatcher = new Dispatcher(methods, store, tasks, faults::takeFailure);
        this.console = new ConsoleEndpoint(store, sessions::validCredentials);
        this.pool = new PoolApi(store, power, networks, vdis, vbds, vifs);
        this.demo = new DemoPoolBuilder(store, power, vms, vdis, vbds, vifs, networks);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds (the first time: loads the state file or builds the demo pool) and blocks until listening. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        if (!populated) {
            populate();
            populated = true;
        }
        store.atomically(() -> store.clear("session"));
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        server = new SimulatorHttpServer(vertx, dispatcher, console, workers, faults);
        try {
            port = server.start(config.host, port);
        } catch (RuntimeException bindFailed) {
            server = null;
            vertx.close();
            throw bindFailed;
        }
        // console locations name the port, which is only known now (port 0, or a state file from another run)
        store.atomically(() -> {
            for (String c : store.refs("console")) {
                store.set("console", c, "location", power.consoleLocation(store.str("console", c, "uuid")));
            }
        });
        if (config.stateFile != null && !config.saveInterval.isZero()) {
            long interval = config.saveInterval.toMillis();
            periodicSave = timers.scheduleWithFixedDelay(this::saveIfChanged, interval, interval,
                    TimeUnit.MILLISECONDS);
        }
        LOG.infof("XenAPI simulator listening on %s (%d methods)", url(), methods.names().size());
    }

    /**
     * Write-behind: the state file follows the pool within {@code saveInterval}, so a process killed without a stop
     * loses at most that much. Each save replaces the file atomically (temporary file, then rename).
     */
    private void saveIfChanged() {
        try {
            saveState(false);
        } catch (RuntimeException e) {
            LOG.warnf("cannot save the pool state to %s: %s", config.stateFile, e.getMessage());
        }
    }

    private void saveState(boolean always) {
        synchronized (saveLock) {
            long lastEvent = store.events().lastId();
            if (!always && lastEvent == savedEventId) {
                return;
            }
            try {
                new StateFile(config.stateFile).save(store, systems);
                savedEventId = lastEvent;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void populate() {
        if (config.stateFile != null && new StateFile(config.stateFile).exists()) {
            try {
                new StateFile(config.stateFile).load(store, systems);
                power.resumeDomids();
                savedEventId = store.events().lastId();
                store.atomically(() -> power.keepGuestsOnLoopback(addresses));
                LOG.infof("pool state loaded from %s", config.stateFile);
                return;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + config.stateFile, e);
            }
        }
        demo.build(config.demoVms);
    }

    /** Closes the server and drops every connection (clients then see connection refused); saves the state. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        if (periodicSave != null) {
            periodicSave.cancel(false);
            periodicSave = null;
        }
        server.stop();
        server = null;
        events.dropWaiters();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("closing Vert.x: %s", e.getMessage());
        }
        vertx = null;
        if (config.stateFile != null) {
            try {
                saveState(true);
            } catch (RuntimeException e) {
                LOG.errorf(e, "cannot save the pool state to %s", config.stateFile);
            }
        }
        LOG.infof("XenAPI simulator on port %d stopped", port);
    }

    /** A toolstack restart: same port, same pool, every session invalid. */
    public synchronized void restart() {
        stop();
        start();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    public int port() {
        return port;
    }

    public PoolApi pool() {
        return pool;
    }

    public Faults faults() {
        return faults;
    }

    /** What the installer of this VM downloaded, oldest first. */
    public List<InstallerFetch> installerFetches(String vmUuid) {
        return installer.fetches(vmUuid);
    }

    /** Every XenAPI method served, Async forms included, as system.listMethods reports them. */
    public List<String> methods() {
        return methods.names();
    }

    /** How many event.from calls are waiting right now (for tests of long polls). */
    public int waitingEventPolls() {
        return events.waiting();
    }

    Map<String, List<InstallerFetch>> allInstallerFetches() {
        return installer.allFetches();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Configuration; every setting has a default that gives the demo pool on a free port. */
    public static final class Builder {
        private int port;
        private String host = "127.0.0.1";
        private String rootPassword = "secret";
        private int demoVms = 3;
        private long installMillis = 2000;
        private Path stateFile;
        private Duration saveInterval = Duration.ofSeconds(2);
        private int eventHistory = 100_000;

        private Builder() {
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The address to bind, 127.0.0.1 by default; 0.0.0.0 to serve other machines. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The password of user "root". */
        public Builder rootPassword(String password) {
            this.rootPassword = password;
            return this;
        }

        /** Ordinary VMs in the demo pool (default 3; thousands work for benchmarks). */
        public Builder demoVms(int count) {
            this.demoVms = count;
            return this;
        }

        /** How long the simulated installer runs before powering the VM off. */
        public Builder installSeconds(double seconds) {
            this.installMillis = (long) (seconds * 1000);
            return this;
        }

        /**
         * State loaded on the first start(), saved on stop() and, while the pool changes, every
         * {@link #saveInterval(Duration)}.
         */
        public Builder stateFile(Path path) {
            this.stateFile = path;
            return this;
        }

        /**
         * How often a changed pool is written to the state file while running (default 2 s), so that a process killed
         * without stop() loses at most that much; {@link Duration#ZERO} saves on stop() only.
         */
        public Builder saveInterval(Duration interval) {
            this.saveInterval = interval;
            return this;
        }

        /** How many changes event.from remembers; an older token gets EVENTS_LOST. */
        public Builder eventHistory(int entries) {
            this.eventHistory = entries;
            return this;
        }

        public XapiSimulator build() {
            return new XapiSimulator(this);
        }
    }
}
