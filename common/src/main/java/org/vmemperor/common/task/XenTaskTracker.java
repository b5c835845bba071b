package org.vmemperor.common.task;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.vmemperor.common.xenapi.CacheChange;
import org.vmemperor.common.xenapi.CacheListener;
import org.vmemperor.common.xenapi.PoolUnavailableException;
import org.vmemperor.common.xenapi.XenApiFailure;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.common.xenapi.XenTasks;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;

/**
 * Writes the outcome of XenAPI tasks into their rows, then destroys them on the pool. Two paths, both idempotent so
 * that any number of replicas (of any service) can run them at once:
 * <ul>
 * <li>the cache's change feed: a task event with a final status is recorded at once (on this tracker's own thread:
 * cache listeners must not block the event thread);</li>
 * <li>a periodic reconciler: unfinished rows whose task ended while no replica listened (restarts, EVENTS_LOST, a row
 * committed after the task's last event), finished tasks not yet destroyed, and the retention purge.</li>
 * </ul>
 * The reconciler's timing is quarkus-scheduler's ({@code vmemperor.tasks.reconcile-interval}; a pass still running
 * when the next is due is skipped); every pass and every event-driven step run on the tracker's own thread, so they
 * never race each other.
 */
@ApplicationScoped
public class XenTaskTracker implements CacheListener {

    private static final Logger LOG = Logger.getLogger(XenTaskTracker.class);

    private final TaskService tasks;
    private final XenObjectCache cache;
    private final XenTasks xenTasks;
    private final TaskConfig config;
    private ExecutorService executor;
    /** Set at shutdown: work interrupted by the stop (the database closing under it) is not a failure to report. */
    private volatile boolean stopping;
    private AutoCloseable subscription;

    public XenTaskTracker(TaskService tasks, XenObjectCache cache, XenTasks xenTasks, TaskConfig config) {
        this.tasks = tasks;
        this.cache = cache;
        this.xenTasks = xenTasks;
        this.config = config;
    }

    /** Whether a XenAPI task has reached a final status. */
    public static boolean isFinished(XenObject xenTask) {
        String status = xenTask.string("status");
        return "success".equals(status) || "failure".equals(status) || "cancelled".equals(status);
    }

    void onStart(@Observes StartupEvent event) {
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "task-tracker");
            thread.setDaemon(true);
            return thread;
        });
        subscription = cache.subscribe(this);
    }

    /**
     * The periodic pass, every {@code vmemperor.tasks.reconcile-interval} (TaskConfig), run on the tracker's thread
     * and waited for, so that a pass still running when the next is due makes the scheduler skip that one.
     */
    @Scheduled(identity = "task-reconciler", every = "{vmemperor.tasks.reconcile-interval}", delayed = "{vmemperor.tasks.reconcile-interval}", concurrentExecution = ConcurrentExecution.SKIP)
    void reconcilePeriodically() {
        ExecutorService current = executor;
        if (current == null || current.isShutdown()) {
            return;
        }
        try {
            current.submit(this::reconcileSafely).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debugf("Task reconciliation did not run: %s", e.toString());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        try {
            if (subscription != null) {
                subscription.close();
            }
        } catch (Exception e) {
            LOG.debug("unsubscribing the task tracker failed", e);
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                // let a round under way finish while the database is still there
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void onChange(CacheChange change) {
        if (change.type() != XenClass.TASK || change.after() == null || !isFinished(change.after())) {
            return;
        }
        XenObject xenTask = change.after();
        submit(() -> recordAndDestroy(xenTask));
    }

    @Override
    public void onResync() {
        submit(this::reconcileSafely);
    }

    private void submit(Runnable work) {
        ExecutorService current = executor;
        if (current != null && !current.isShutdown()) {
            current.execute(() -> {
                try {
                    work.run();
                } catch (PoolUnavailableException e) {
                    // the event feed says so once; a line per task event while the pool is away is noise
                    LOG.debugf("Task tracking postponed (the reconciler retries): %s", e.getMessage());
                } catch (RuntimeException e) {
                    if (stopping) {
                        LOG.debugf("Task tracking interrupted by the stop: %s", e.toString());
                    } else {
                        LOG.warnf("Task tracking failed (the reconciler retries): %s", e.toString());
                    }
                }
            });
        }
    }

    private void recordAndDestroy(XenObject xenTask) {
        tasks.recordXenOutcome(xenTask);
        // only tasks someone tracks are destroyed: other clients' tasks (and rows not committed yet) are left alone
        if (tasks.awaitsDestroy(xenTask.ref())) {
            destroy(xenTask.ref());
        }
    }

    private void destroy(String xenTaskRef) {
        xenTasks.destroy(xenTaskRef);
        tasks.markDestroyed(xenTaskRef);
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (PoolUnavailableException e) {
            LOG.debugf("Task reconciliation postponed: %s", e.getMessage());
        } catch (RuntimeException e) {
            if (stopping) {
                LOG.debugf("Task reconciliation interrupted by the stop: %s", e.toString());
            } else {
                LOG.warnf("Task reconciliation failed; retrying later: %s", e.toString());
            }
        }
    }

    /** One pass of the reconciler; package-visible for tests. */
    void reconcile() {
        tasks.purgeFinishedBefore(Instant.now().minus(config.retention()));
        if (!cache.isReady()) {
            return;
        }
        for (String ref : tasks.unfinishedXenRefs()) {
            Optional<XenObject> cached = cache.byRef(XenClass.TASK, ref);
            if (cached.isPresent()) {
                if (isFinished(cached.get())) {
                    recordAndDestroy(cached.get());
                }
                continue;
            }
            Optional<Instant> since = tasks.firstTracked(ref);
            if (since.isPresent() && since.get().plus(config.lostTaskGrace()).isBefore(Instant.now())) {
                askThePool(ref);
            }
        }
        for (String ref : tasks.finishedUndestroyedXenRefs()) {
            try {
                destroy(ref);
            } catch (XenApiFailure failure) {
                LOG.warnf("Cannot destroy finished XenAPI task %s: %s", ref, failure.errorDescription());
            }
        }
    }

    private void askThePool(String ref) {
        Optional<XenObject> fetched = xenTasks.fetch(ref);
        if (fetched.isEmpty()) {
            LOG.warnf("XenAPI task %s vanished before its outcome was recorded", ref);
            tasks.markLost(ref);
        } else if (isFinished(fetched.get())) {
            recordAndDestroy(fetched.get());
        }
    }

    /** Runs one reconciliation pass now on the tracker's thread and waits for it (tests, admin tooling). */
    public void reconcileNow() {
        try {
            executor.submit(this::reconcile).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("task reconciliation failed", e);
        }
    }
}
