package org.vmemperor.vm.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.vmemperor.common.task.TaskInfo;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.xenapi.CacheChange;
import org.vmemperor.common.xenapi.PoolUnavailableException;
import org.vmemperor.common.xenapi.VmProvisioning;
import org.vmemperor.common.xenapi.XenApiFailure;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.vm.install.AutoinstallFetched;
import org.vmemperor.vm.install.AutoinstallTokens;
import org.vmemperor.vm.install.InstallConfig;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Follows a /createvm task from the VM's first start to {@code installed} or {@code failed}.
 *
 * <p>
 * The state lives in the pool and the task table, never only in memory: the VM's PV_args still point at
 * {@code /autoinstall/} while its installer runs, the fetch is in {@code autoinstall_token}, the install's start is
 * the VM's {@code metrics.start_time}. So any replica, and a restarted one, can decide from scratch ({@link #check}):
 * the periodic scan of the task table picks installs up after a restart, the event feed reacts to power changes at
 * once. Each decision runs under a PostgreSQL advisory lock per task (try-lock: a busy task is another replica's), and
 * re-reads the row first, so every transition happens once.
 */
@ApplicationScoped
public class InstallWatcher {

    private static final Logger LOG = Logger.getLogger(InstallWatcher.class);
    private static final String AUTOINSTALL_PATH = "/autoinstall/";
    private static final Duration BOOT = Duration.ofSeconds(30);
    private static final Duration EVENT_LAG = Duration.ofSeconds(5);
    private static final Pattern TOLD_URL = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://\\S*?)" + AUTOINSTALL_PATH);

    private final XenObjectCache cache;
    private final TaskService tasks;
    private final AutoinstallTokens tokens;
    private final VmProvisioning provisioning;
    private final DataSource dataSource;
    private final InstallConfig config;
    /** VM uuid -> task id of the installs this replica follows (for the event feed). */
    private final ConcurrentMap<String, String> watched = new ConcurrentHashMap<>();

    private ScheduledExecutorService executor;
    /** Set at shutdown: a check interrupted by the stop (the database closing under it) is not a failure to report. */
    private volatile boolean stopping;
    private AutoCloseable subscription;

    public InstallWatcher(XenObjectCache cache, TaskService tasks, AutoinstallTokens tokens,
            VmProvisioning provisioning, DataSource dataSource, InstallConfig config) {
        this.cache = cache;
        this.tasks = tasks;
        this.tokens = tokens;
        this.provisioning = provisioning;
        this.dataSource = dataSource;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        // one thread: decisions of this replica never race each other, and the event thread is never blocked
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "install-watcher");
            thread.setDaemon(true);
            return thread;
        });
        subscription = cache.subscribe(this::onChange);
        long interval = config.watchInterval().toMillis();
        executor.scheduleWithFixedDelay(this::scanSafely, 0, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("unsubscribing the install watcher", e);
            }
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                // let a decision under way finish while the database is still there
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Called by /createvm once the VM runs and the task is {@code installing}. */
    public void watch(String taskId, String vmUuid) {
        watched.put(vmUuid, taskId);
        submit(taskId);
    }

    /** The installer fetched its file (on this replica): the install has really begun. */
    void onFetched(@Observes AutoinstallFetched fetched) {
        try {
            tasks.find(fetched.taskId()).filter(t -> !t.isFinished() && CreateVmService.INSTALLING.equals(t.state()))
                    .ifPresent(t -> tasks.update(t.id(), null, 0.8,
                            "installing: the installer fetched its answer file"));
        } catch (RuntimeException e) {
            LOG.debugf("recording the answer-file fetch of task %s: %s", fetched.taskId(), e.getMessage());
        }
    }

    private void onChange(CacheChange change) {
        if (change.type() != XenClass.VM) {
            return;
        }
        String taskId = watched.get(change.latest().uuid());
        if (taskId != null) {
            submit(taskId);
        }
    }

    private void submit(String taskId) {
        ScheduledExecutorService current = executor;
        if (current != null && !current.isShutdown()) {
            current.execute(() -> checkSafely(taskId));
        }
    }

    /**
     * Picks up every install in progress from the task table (after a restart, or one another replica started) and
     * checks it. Also what notices the timeouts.
     */
    public void scan() {
        failInterruptedBuilds();
        Map<String, String> installing = installingTasks();
        watched.entrySet().removeIf(entry -> !installing.containsKey(entry.getValue()));
        installing.forEach((taskId, vmUuid) -> {
            if (vmUuid != null) {
                watched.put(vmUuid, taskId);
            }
            checkSafely(taskId);
        });
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.debugf("install watcher scan: %s", e.getMessage());
        }
    }

    private void checkSafely(String taskId) {
        try {
            check(taskId);
        } catch (PoolUnavailableException e) {
            // the next scan or event tries again
            LOG.debugf("install watcher: pool unavailable while checking task %s", taskId);
        } catch (RuntimeException e) {
            if (stopping) {
                LOG.debugf("install watcher: checking task %s interrupted by the stop: %s", taskId, e);
            } else {
                LOG.warnf(e, "install watcher: checking task %s failed", taskId);
            }
        }
    }

    /**
     * Builds run on the worker of the replica that accepted the request and are not resumed (a half-done step cannot
     * be told from a done one); a build whose row has not moved for {@code build-timeout} is reported failed, so that
     * no task stays {@code cloned} for ever. The half-built VM, if any, is kept as after any failed build.
     */
    private void failInterruptedBuilds() {
        List<String> stale = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT id FROM task WHERE kind = ?"
                        + " AND state IN ('pending', ?) AND finished IS NULL AND coalesce(updated, created) < ?")) {
            query.setString(1, CreateVmService.KIND);
            query.setString(2, CreateVmService.CLONED);
            query.setTimestamp(3, Timestamp.from(Instant.now().minus(config.buildTimeout())));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    stale.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the builds in progress", e);
        }
        for (String taskId : stale) {
            withLock(taskId, () -> tasks.find(taskId)
                    .filter(t -> !t.isFinished() && !CreateVmService.INSTALLING.equals(t.state()))
                    .ifPresent(t -> fail(taskId, List.of("INTERRUPTED"), "building the VM was interrupted"
                            + " (vm-service stopped); the VM, if it exists, is kept as it was")));
        }
    }

    /** Task id -> VM uuid of every unfinished createvm task in state installing. */
    private Map<String, String> installingTasks() {
        Map<String, String> found = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT id, object_uuid FROM task WHERE kind = ?"
                        + " AND state = ? AND finished IS NULL ORDER BY created")) {
            query.setString(1, CreateVmService.KIND);
            query.setString(2, CreateVmService.INSTALLING);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getString(1), rows.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the installs in progress", e);
        }
        return found;
    }

    /** Decides on one task under its advisory lock; does nothing when another replica holds it. */
    void check(String taskId) {
        withLock(taskId, () -> decide(taskId));
    }

    /** Runs {@code work} under the task's advisory lock (any replica); skips it when another replica holds the lock. */
    private void withLock(String taskId, Runnable work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection
                        .prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "vmemperor-install:" + taskId);
                    try (ResultSet result = lock.executeQuery()) {
                        if (!result.next() || !result.getBoolean(1)) {
                            return;
                        }
                    }
                }
                work.run();
            } finally {
                // ends the transaction, which releases the lock
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock install task " + taskId, e);
        }
    }

    private void decide(String taskId) {
        Optional<TaskInfo> row = tasks.find(taskId);
        if (row.isEmpty() || row.get().isFinished() || !CreateVmService.INSTALLING.equals(row.get().state())) {
            watched.values().remove(taskId);
            return;
        }
        TaskInfo task = row.get();
        Optional<XenObject> found = Optional.ofNullable(task.objectUuid())
                .flatMap(uuid -> cache.byUuid(XenClass.VM, uuid));
        if (found.isEmpty() && task.objectUuid() != null) {
            // the cache may not have seen a VM created a moment ago: give the event feed a moment before "gone"
            cache.await(() -> cache.byUuid(XenClass.VM, task.objectUuid()).isPresent(), EVENT_LAG);
            found = cache.byUuid(XenClass.VM, task.objectUuid());
        }
        if (found.isEmpty()) {
            fail(taskId, List.of("VM_GONE", String.valueOf(task.objectUuid())), "the VM was destroyed during the install");
            return;
        }
        XenObject vm = found.get();
        String power = vm.string("power_state");
        Optional<Instant> fetched = tokens.fetchedAt(taskId);
        if (vm.string("PV_args").contains(AUTOINSTALL_PATH)) {
            // the installer's phase: it must fetch its file, then power the VM off
            if ("Halted".equals(power)) {
                if (fetched.isPresent()) {
                    bootInstalledSystem(taskId, vm);
                } else {
                    fail(taskId, List.of("INSTALLER_STOPPED", vm.uuid()),
                            "the VM stopped before its installer fetched the answer file");
                }
                return;
            }
            Instant started = startTime(vm, task);
            Instant now = Instant.now();
            if (fetched.isEmpty() && now.isAfter(started.plus(config.fetchTimeout()))) {
                fail(taskId, List.of("INSTALLER_FETCH_TIMEOUT", vm.uuid()), "the installer did not fetch its answer"
                        + " file from " + toldBase(vm.string("PV_args")) + " within " + config.fetchTimeout()
                        + " (can the VM reach vmemperor.public-url?)");
            } else if (now.isAfter(started.plus(config.installTimeout()))) {
                fail(taskId, List.of("INSTALL_TIMEOUT", vm.uuid()),
                        "the install did not finish within " + config.installTimeout());
            }
            return;
        }
        // no installer (an ISO install), or the installed system's boot
        if ("Running".equals(power)) {
            tasks.finish(taskId, CreateVmService.INSTALLED, fetched.isPresent()
                    ? "installed: the VM runs the installed system"
                    : "running from the ISO: install the system on the console (VMEmperor cannot follow a manual"
                            + " install)");
            watched.values().remove(taskId);
        } else if ("Halted".equals(power) && fetched.isPresent()) {
            // a replica stopped between preparing the boot from disk and the start
            bootInstalledSystem(taskId, vm);
        } else {
            fail(taskId, List.of("VM_NOT_RUNNING", vm.uuid(), power), "the VM is not running (power state "
                    + power + ")");
        }
    }

    /**
     * The installer powered the VM off after fetching its file: the install is done. Boot the installed system from
     * disk (pygrub, no installer arguments) and report installed once it runs.
     */
    private void bootInstalledSystem(String taskId, XenObject vm) {
        try {
            provisioning.setPvBootloader(vm.ref(), "pygrub");
            provisioning.setPvArgs(vm.ref(), "");
            tasks.update(taskId, null, 0.9, "installed: starting the installed system");
            provisioning.start(vm.ref());
        } catch (XenApiFailure failure) {
            fail(taskId, failure.errorDescription(), "could not start the installed system: "
                    + String.join(" ", failure.errorDescription()));
            return;
        }
        boolean running = cache.await(() -> cache.byUuid(XenClass.VM, vm.uuid())
                .map(v -> "Running".equals(v.string("power_state"))).orElse(false), BOOT);
        if (running) {
            tasks.finish(taskId, CreateVmService.INSTALLED, "installed: the VM runs the installed system");
            watched.values().remove(taskId);
        } else {
            fail(taskId, List.of("VM_NOT_RUNNING", vm.uuid()), "the installed system did not start");
        }
    }

    /**
     * The answer-file address the VM was told, from its PV_args, without the token (only the VM may know it): what
     * the user needs to see why the installer cannot fetch it.
     */
    static String toldBase(String pvArgs) {
        Matcher url = TOLD_URL.matcher(pvArgs);
        return url.find() ? url.group(1) + AUTOINSTALL_PATH + "..." : "vmemperor.public-url";
    }

    /** When the VM started the installer: its metrics' start time (on the pool, so it survives restarts). */
    private Instant startTime(XenObject vm, TaskInfo task) {
        Instant started = cache.byRef(XenClass.VM_METRICS, vm.string("metrics")).map(m -> m.time("start_time"))
                .orElse(Instant.EPOCH);
        return started.isAfter(task.created()) ? started : task.created();
    }

    private void fail(String taskId, List<String> errorInfo, String message) {
        tokens.revoke(taskId);
        tasks.fail(taskId, CreateVmService.FAILED, errorInfo, message);
        watched.values().remove(taskId);
        LOG.infof("createvm task %s failed: %s", taskId, message);
    }
}
