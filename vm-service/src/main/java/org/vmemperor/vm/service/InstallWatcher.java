package org.vmemperor.vm.service;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.vmemperor.common.db.AdvisoryLocks;
import org.vmemperor.common.task.TaskInfo;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskState;
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
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;

/**
 * Follows a /createvm task from the VM's first start to {@code installed} or {@code failed}.
 *
 * <p>
 * The state lives in the pool and the task table, never only in memory: the VM's PV_args still point at
 * {@code /autoinstall/} while its installer runs, the fetch is in {@code autoinstall_token}, the install's start is
 * the VM's {@code metrics.start_time}. So any replica, and a restarted one, can decide from scratch ({@link #check}):
 * the periodic scan of the task table picks installs up after a restart, the event feed reacts to power changes at
 * once. Each decision runs under a PostgreSQL advisory lock per task (try-lock: a busy task is another replica's), and
 * re-reads the row first, so every transition happens once; waits (for the cache, for a boot) happen outside it.
 */
@ApplicationScoped
public class InstallWatcher {

    private static final Logger LOG = Logger.getLogger(InstallWatcher.class);
    private static final String AUTOINSTALL_PATH = "/autoinstall/";
    private static final Duration BOOT = Duration.ofSeconds(30);
    /** The row's progress while the installed system boots (set under the lock: the boot's claim). */
    private static final double BOOTING = 0.9;
    private static final Duration EVENT_LAG = Duration.ofSeconds(5);
    /** Installed systems this replica starts at once; more wait for a thread (their decisions do not). */
    private static final int BOOT_THREADS = 4;
    private static final Pattern TOLD_URL = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://\\S*?)" + AUTOINSTALL_PATH);

    private final XenObjectCache cache;
    private final TaskService tasks;
    private final AutoinstallTokens tokens;
    private final VmProvisioning provisioning;
    private final AdvisoryLocks locks;
    private final InstallConfig config;
    /** VM uuid -> task id of the installs this replica follows (for the event feed). */
    private final ConcurrentMap<String, String> watched = new ConcurrentHashMap<>();

    private ScheduledExecutorService executor;
    private ExecutorService boots;
    /** Tasks whose installed system this replica is starting (its VM.start not answered yet, or just answered). */
    private final Set<String> booting = ConcurrentHashMap.newKeySet();
    /** Set at shutdown: a check interrupted by the stop (the database closing under it) is not a failure to report. */
    private volatile boolean stopping;
    private AutoCloseable subscription;

    public InstallWatcher(XenObjectCache cache, TaskService tasks, AutoinstallTokens tokens,
            VmProvisioning provisioning, AdvisoryLocks locks, InstallConfig config) {
        this.locks = locks;
        this.cache = cache;
        this.tasks = tasks;
        this.tokens = tokens;
        this.provisioning = provisioning;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        // one thread: decisions of this replica never race each other, and the event thread is never blocked
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "install-watcher");
            thread.setDaemon(true);
            return thread;
        });
        // the synchronous starts of installed systems, off the decision thread: a slow boot holds one of these
        // (a slow boot beyond them only delays other boots, never a decision or the lock)
        ThreadPoolExecutor startThreads = new ThreadPoolExecutor(BOOT_THREADS, BOOT_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "install-boot");
                    thread.setDaemon(true);
                    return thread;
                });
        startThreads.allowCoreThreadTimeOut(true);
        boots = startThreads;
        subscription = cache.subscribe(this::onChange);
        executor.execute(this::scanSafely);
    }

    /**
     * The periodic scan, every {@code vmemperor.install.watch-interval} (InstallConfig), run on the watcher's thread
     * and waited for: it never races an event-driven decision, and a scan still running when the next is due makes
     * the scheduler skip that one.
     */
    @Scheduled(identity = "install-watcher-scan", every = "{vmemperor.install.watch-interval}", delayed = "{vmemperor.install.watch-interval}", concurrentExecution = ConcurrentExecution.SKIP)
    void scanPeriodically() {
        ScheduledExecutorService current = executor;
        if (current == null || current.isShutdown()) {
            return;
        }
        try {
            current.submit(this::scanSafely).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debugf("install watcher scan did not run: %s", e.toString());
        }
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
        if (boots != null) {
            boots.shutdownNow();
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
            tasks.find(fetched.taskId()).filter(t -> !t.isFinished() && t.state() == TaskState.INSTALLING)
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
        checkSafely(taskId, null);
    }

    private void checkSafely(String taskId, Wait after) {
        try {
            check(taskId, after);
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
        List<String> stale = tasks.unfinishedIdle(TaskKind.CREATEVM, Set.of(TaskState.PENDING, TaskState.CLONED),
                Instant.now().minus(config.buildTimeout()));
        for (String taskId : stale) {
            locks.tryWithLock(lockKey(taskId), () -> {
                tasks.find(taskId).filter(t -> !t.isFinished() && t.state() != TaskState.INSTALLING)
                        .ifPresent(t -> fail(taskId, List.of("INTERRUPTED"), "building the VM was interrupted"
                                + " (vm-service stopped); the VM, if it exists, is kept as it was"));
                return null;
            });
        }
    }

    /** Task id -> VM uuid of every unfinished createvm task in state installing. */
    private Map<String, String> installingTasks() {
        Map<String, String> found = new LinkedHashMap<>();
        for (TaskInfo task : tasks.unfinished(TaskKind.CREATEVM, TaskState.INSTALLING)) {
            found.put(task.id(), task.objectUuid());
        }
        return found;
    }

    /**
     * What a decision leaves to do after its lock is released, and what the next decision is told happened: nothing
     * here blocks the decision thread.
     */
    private sealed interface Wait permits VmToAppear, Boot, StartFailed {
    }

    /** The task names a VM the cache has not shown yet (created a moment ago, or gone): decide again later. */
    private record VmToAppear(String vmUuid) implements Wait {
    }

    /**
     * The installed system is prepared to boot from disk: start it (on a boot thread). As a decision's
     * {@code after}: the start was answered {@code BOOT} ago.
     */
    private record Boot(XenObject vm) implements Wait {
    }

    /** As a decision's {@code after}: the pool refused to start the installed system. */
    private record StartFailed(List<String> errorInfo) implements Wait {
    }

    /** Decides on one task under its advisory lock; does nothing when another replica holds it. */
    void check(String taskId) {
        check(taskId, null);
    }

    /**
     * One decision under the task's lock, then, with the lock and its database connection released, what it leaves to
     * do: a later decision (the VM reaching the cache, the end of a boot), or the installed system's start. So a slow
     * boot holds neither the lock nor this replica's decisions on other installs.
     */
    private void check(String taskId, Wait after) {
        if (after instanceof Boot || after instanceof StartFailed) {
            booting.remove(taskId);
        }
        Optional<Wait> next = locks.tryWithLock(lockKey(taskId), () -> decide(taskId, after));
        if (next.isEmpty()) {
            return;
        }
        if (next.get() instanceof Boot boot) {
            booting.add(taskId);
            try {
                boots.execute(() -> startInstalledSystem(taskId, boot));
            } catch (RejectedExecutionException e) {
                // stopping: the claim on the row expires and a replica boots it again
                booting.remove(taskId);
            }
        } else {
            // the VM's arrival is an event, which decides at once; this is the last word after EVENT_LAG
            later(taskId, next.get(), EVENT_LAG);
        }
    }

    /** Decides on the task again after {@code delay}, telling the decision what happened. */
    private void later(String taskId, Wait after, Duration delay) {
        ScheduledExecutorService current = executor;
        if (current == null || current.isShutdown()) {
            return;
        }
        try {
            current.schedule(() -> checkSafely(taskId, after), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debugf("install watcher stopping: task %s is left to the next scan", taskId);
        }
    }

    private static String lockKey(String taskId) {
        return "vmemperor-install:" + taskId;
    }

    private boolean running(String vmUuid) {
        return cache.byUuid(XenClass.VM, vmUuid).map(v -> "Running".equals(v.string("power_state"))).orElse(false);
    }

    /**
     * One decision, under the task's lock; quick (no waiting). {@code after} is the wait done since the previous
     * decision, if any.
     *
     * @return the wait to do outside the lock, or null
     */
    private Wait decide(String taskId, Wait after) {
        Optional<TaskInfo> row = tasks.find(taskId);
        if (row.isEmpty() || row.get().isFinished() || row.get().state() != TaskState.INSTALLING) {
            watched.values().remove(taskId);
            return null;
        }
        TaskInfo task = row.get();
        if (after instanceof StartFailed failed) {
            fail(taskId, failed.errorInfo(), "could not start the installed system: "
                    + String.join(" ", failed.errorInfo()));
            return null;
        }
        Optional<XenObject> found = Optional.ofNullable(task.objectUuid())
                .flatMap(uuid -> cache.byUuid(XenClass.VM, uuid));
        if (found.isEmpty() && task.objectUuid() != null && !(after instanceof VmToAppear)) {
            // the cache may not have seen a VM created a moment ago: give the event feed a moment before "gone"
            return new VmToAppear(task.objectUuid());
        }
        if (found.isEmpty()) {
            fail(taskId, List.of("VM_GONE", String.valueOf(task.objectUuid())), "the VM was destroyed during the install");
            return null;
        }
        XenObject vm = found.get();
        String power = vm.string("power_state");
        Optional<Instant> fetched = tokens.fetchedAt(taskId);
        if (vm.string("PV_args").contains(AUTOINSTALL_PATH)) {
            // the installer's phase: it must fetch its file, then power the VM off
            if ("Halted".equals(power)) {
                if (fetched.isPresent()) {
                    // the cache may still show the installer's PV_args of a boot already prepared
                    return booting.contains(taskId) || bootUnderway(task) ? null : prepareBoot(taskId, vm);
                }
                fail(taskId, List.of("INSTALLER_STOPPED", vm.uuid()),
                        "the VM stopped before its installer fetched the answer file");
                return null;
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
            return null;
        }
        // no installer (an ISO install), or the installed system's boot
        if ("Running".equals(power)) {
            tasks.finish(taskId, TaskState.INSTALLED, fetched.isPresent()
                    ? "installed: the VM runs the installed system"
                    : "running from the ISO: install the system on the console (VMEmperor cannot follow a manual"
                            + " install)");
            watched.values().remove(taskId);
            booting.remove(taskId);
        } else if (after instanceof Boot) {
            fail(taskId, List.of("VM_NOT_RUNNING", vm.uuid()), "the installed system did not start");
        } else if ("Halted".equals(power) && fetched.isPresent()) {
            if (booting.contains(taskId) || bootUnderway(task)) {
                return null; // this replica or another one is starting it
            }
            // a replica stopped between preparing the boot from disk and the start
            return prepareBoot(taskId, vm);
        } else {
            fail(taskId, List.of("VM_NOT_RUNNING", vm.uuid(), power), "the VM is not running (power state "
                    + power + ")");
        }
        return null;
    }

    /**
     * The installer powered the VM off after fetching its file: the install is done. Under the lock: boot from disk
     * (pygrub, no installer arguments) and mark the boot underway on the row (progress 0.9), so that no other replica
     * starts it too while this one waits.
     */
    private Wait prepareBoot(String taskId, XenObject vm) {
        try {
            provisioning.setPvBootloader(vm.ref(), "pygrub");
            provisioning.setPvArgs(vm.ref(), "");
        } catch (XenApiFailure failure) {
            fail(taskId, failure.errorDescription(), "could not start the installed system: "
                    + String.join(" ", failure.errorDescription()));
            return null;
        }
        tasks.update(taskId, null, BOOTING, "installed: starting the installed system");
        return new Boot(vm);
    }

    /** Whether a replica marked the boot underway within the time a boot may take. */
    private static boolean bootUnderway(TaskInfo task) {
        return task.progress() >= BOOTING && task.updated() != null
                && task.updated().plus(BOOT).plus(EVENT_LAG).isAfter(Instant.now());
    }

    /**
     * On a boot thread, outside the lock: the synchronous start, which may take a while. Once it is answered the VM's
     * Running event finishes the task; a decision {@code BOOT} later fails it if the system did not come up.
     */
    private void startInstalledSystem(String taskId, Boot boot) {
        try {
            provisioning.start(boot.vm().ref());
        } catch (XenApiFailure failure) {
            if (!running(boot.vm().uuid())) {
                later(taskId, new StartFailed(failure.errorDescription()), Duration.ZERO);
                return;
            }
        } catch (RuntimeException e) {
            // the pool unreachable, or the stop: the claim on the row expires and a scan boots it again
            booting.remove(taskId);
            LOG.debugf("install watcher: starting the installed system of task %s: %s", taskId, e.toString());
            return;
        }
        later(taskId, boot, BOOT);
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
        tasks.fail(taskId, TaskState.FAILED, errorInfo, message);
        watched.values().remove(taskId);
        booting.remove(taskId);
        LOG.infof("createvm task %s failed: %s", taskId, message);
    }
}
