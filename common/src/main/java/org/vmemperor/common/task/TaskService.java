package org.vmemperor.common.task;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every asynchronous operation of every service is a row in PostgreSQL, written here. Ids are random UUIDs, never the
 * XenAPI task ref: refs die with {@code task.destroy} and would let one user guess another's tasks. Each method
 * commits its own transaction, so a row exists before its id is answered and any replica can read it at once.
 */
@ApplicationScoped
public class TaskService {

    private static final Logger LOG = Logger.getLogger(TaskService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SPEC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final XenObjectCache cache;
    private final MeterRegistry metrics;

    public TaskService(XenObjectCache cache, MeterRegistry metrics) {
        this.cache = cache;
        this.metrics = metrics;
    }

    /**
     * Starts tracking a XenAPI task (the ref an {@code Async.*} call answered) and returns the task id to answer the
     * client with. The row is committed before this returns; its outcome is recorded from the cache's task events
     * (or by the reconciler) and the XenAPI task is destroyed afterwards.
     */
    @Transactional
    public String trackXenTask(TaskKind kind, String creator, String xenTaskRef, String objectUuid) {
        TaskEntity task = newRow(kind, creator, objectUuid, TaskState.PENDING);
        task.xenapiRef = xenTaskRef;
        task.persist();
        countCreated(task);
        // the task may have ended before the row existed (its event then found nothing to update)
        if (cache.isReady()) {
            cache.byRef(XenClass.TASK, xenTaskRef).filter(XenTaskTracker::isFinished)
                    .ifPresent(xenTask -> applyXenOutcome(task, xenTask));
        }
        return task.id;
    }

    /** A task that is already done when created, e.g. starting a VM that already runs. */
    @Transactional
    public String completedTask(TaskKind kind, String creator, String objectUuid) {
        TaskEntity task = newRow(kind, creator, objectUuid, TaskState.SUCCESS);
        task.progress = 1.0;
        task.finished = task.created;
        task.persist();
        countCreated(task);
        return task.id;
    }

    /**
     * A task not backed by one XenAPI task (createvm, playbooks, multi-step operations), in state {@code pending};
     * its shape follows the kind ({@link TaskKind#shape}). Move it on with {@link #update} and {@link #finish}.
     */
    @Transactional
    public String createTask(TaskKind kind, String creator, String objectUuid) {
        TaskEntity task = newRow(kind, creator, objectUuid, TaskState.PENDING);
        task.persist();
        countCreated(task);
        return task.id;
    }

    /** Moves an unfinished task on; {@code null} arguments leave the column as it is. */
    @Transactional
    public void update(String id, TaskState state, Double progress, String message) {
        TaskEntity task = require(id);
        if (state != null) {
            task.state = state.dbValue();
        }
        if (progress != null) {
            task.progress = clamp(progress);
        }
        if (message != null) {
            task.message = message;
        }
        task.updated = Instant.now();
    }

    /** Records the object the task is about once it exists (createvm: the new VM's uuid). */
    @Transactional
    public void setObjectUuid(String id, String objectUuid) {
        TaskEntity task = require(id);
        task.objectUuid = objectUuid;
        task.updated = Instant.now();
    }

    /** Ends a task in {@code state} (success, installed, failed, ...): progress 1, finished now. */
    @Transactional
    public void finish(String id, TaskState state, String message) {
        end(require(id), state, message);
    }

    /** Ends a task as failed with XenAPI-style {@code error_info} ([CODE, params...]). */
    @Transactional
    public void fail(String id, TaskState state, List<String> errorInfo, String message) {
        TaskEntity task = require(id);
        task.errorInfo = toJson(errorInfo);
        end(task, state == null ? TaskState.FAILURE : state, message);
    }

    /**
     * Ends a task as failed unless it has already ended (another replica, or its own worker, got there first);
     * answers whether this call ended it. For tasks found abandoned, e.g. runs whose replica stopped.
     */
    @Transactional
    public boolean failIfUnfinished(String id, List<String> errorInfo, String message) {
        TaskEntity task = TaskEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (task == null || task.finished != null) {
            return false;
        }
        task.errorInfo = toJson(errorInfo);
        end(task, TaskState.FAILURE, message);
        return true;
    }

    /**
     * Ends a playbook run with its return code (0 = success) unless it has already ended; answers whether this call
     * ended it. A run can end twice: another replica marks it interrupted when its heartbeat stops (the replica
     * paused, or cut off from the database, while ansible-playbook went on), and the run's own replica then sees
     * ansible-playbook exit. The first end stays: a final state, once answered by /taskstatus, never changes.
     */
    @Transactional
    public boolean finishPlaybook(String id, int returncode, String message) {
        TaskEntity task = TaskEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (task == null) {
            throw new IllegalArgumentException("no task " + id);
        }
        if (task.finished != null) {
            return false;
        }
        task.returncode = returncode;
        end(task, returncode == 0 ? TaskState.SUCCESS : TaskState.FAILURE, message);
        return true;
    }

    /** The common end of every task: its final state, progress 1, finished now. */
    private void end(TaskEntity task, TaskState state, String message) {
        task.state = state.dbValue();
        countEnded(task);
        if (message != null) {
            task.message = message;
        }
        task.progress = 1.0;
        task.finished = Instant.now();
        task.updated = task.finished;
    }

    /** The row, for services that need more than the status view. */
    @Transactional
    public Optional<TaskInfo> find(String id) {
        return Optional.ofNullable(id).map(key -> TaskEntity.<TaskEntity> findById(key)).map(TaskService::info);
    }

    /**
     * The /taskstatus answer for {@code caller}: empty for an unknown id and for someone else's task alike, so ids
     * cannot be probed. Administrators see every task.
     */
    @Transactional
    public Optional<TaskStatusView> status(String id, UserPrincipal caller) {
        if (id == null) {
            return Optional.empty();
        }
        TaskEntity task = TaskEntity.findById(id);
        if (task == null || !(caller.admin() || caller.id().equals(task.creator))) {
            return Optional.empty();
        }
        if (task.finished == null && task.xenapiRef != null && cache.isReady()) {
            Optional<XenObject> live = cache.byRef(XenClass.TASK, task.xenapiRef);
            if (live.isPresent()) {
                if (XenTaskTracker.isFinished(live.get())) {
                    applyXenOutcome(task, live.get());
                } else {
                    // fresher than the row: progress is not written for every event
                    task.progress = clamp(live.get().decimal("progress"));
                }
            }
        }
        return Optional.of(view(task));
    }

    /** The unfinished tasks of {@code kind} in {@code state}, oldest first (installs to follow, runs to resume). */
    @Transactional
    public List<TaskInfo> unfinished(TaskKind kind, TaskState state) {
        return TaskEntity.<TaskEntity> list("kind = ?1 and state = ?2 and finished is null order by created",
                kind.dbValue(), state.dbValue()).stream().map(TaskService::info).toList();
    }

    /**
     * Ids of the unfinished tasks of {@code kind} in one of {@code states} that have not moved since {@code before}
     * (work whose replica stopped).
     */
    @Transactional
    public List<String> unfinishedIdle(TaskKind kind, Set<TaskState> states, Instant before) {
        return TaskEntity.<TaskEntity> list("kind = ?1 and state in ?2 and finished is null"
                + " and coalesce(updated, created) < ?3", kind.dbValue(),
                states.stream().map(TaskState::dbValue).toList(), before).stream().map(task -> task.id).toList();
    }

    // --- used by XenTaskTracker ---

    /** Records a finished XenAPI task on every unfinished row that tracks it; answers whether one was updated. */
    @Transactional
    boolean recordXenOutcome(XenObject xenTask) {
        List<TaskEntity> rows = TaskEntity.list("xenapiRef = ?1 and finished is null", xenTask.ref());
        rows.forEach(row -> applyXenOutcome(row, xenTask));
        return !rows.isEmpty();
    }

    /** Whether some finished row tracks this XenAPI task and it is not destroyed yet: only then may we destroy it. */
    @Transactional
    boolean awaitsDestroy(String xenTaskRef) {
        return TaskEntity.count("xenapiRef = ?1 and finished is not null and xenapiDestroyed = false", xenTaskRef) > 0;
    }

    @Transactional
    void markDestroyed(String xenTaskRef) {
        TaskEntity.update("xenapiDestroyed = true where xenapiRef = ?1", xenTaskRef);
    }

    @Transactional
    List<String> unfinishedXenRefs() {
        return TaskEntity.<TaskEntity> list("xenapiRef is not null and finished is null").stream()
                .map(task -> task.xenapiRef).distinct().toList();
    }

    @Transactional
    Optional<Instant> firstTracked(String xenTaskRef) {
        return TaskEntity.<TaskEntity> find("xenapiRef = ?1 order by created", xenTaskRef).firstResultOptional()
                .map(task -> task.created);
    }

    @Transactional
    List<String> finishedUndestroyedXenRefs() {
        return TaskEntity.<TaskEntity> list("xenapiRef is not null and finished is not null and xenapiDestroyed = false")
                .stream().map(task -> task.xenapiRef).distinct().toList();
    }

    /** The pool forgot a task we still track (destroyed by someone else before we saw its end). */
    @Transactional
    void markLost(String xenTaskRef) {
        for (TaskEntity task : TaskEntity.<TaskEntity> list("xenapiRef = ?1 and finished is null", xenTaskRef)) {
            task.state = TaskState.FAILURE.dbValue();
            task.progress = 1.0;
            task.finished = Instant.now();
            task.updated = task.finished;
            task.errorInfo = toJson(List.of("TASK_LOST", xenTaskRef));
            task.xenapiDestroyed = true;
            countEnded(task);
        }
    }

    @Transactional
    long purgeFinishedBefore(Instant cutoff) {
        return TaskEntity.delete("finished is not null and finished < ?1", cutoff);
    }

    // --- mapping ---

    private void applyXenOutcome(TaskEntity task, XenObject xenTask) {
        String status = xenTask.string("status");
        // XenAPI's task status (its wire values) to ours
        TaskState state = switch (status) {
            case "success" -> TaskState.SUCCESS;
            case "cancelled" -> TaskState.CANCELLED;
            default -> TaskState.FAILURE;
        };
        task.state = state.dbValue();
        task.progress = 1.0;
        Instant finished = xenTask.time("finished");
        task.finished = finished.equals(Instant.EPOCH) ? Instant.now() : finished;
        task.updated = Instant.now();
        List<String> errorInfo = xenTask.strings("error_info");
        task.errorInfo = errorInfo.isEmpty() ? null : toJson(errorInfo);
        String result = xenTask.string("result");
        task.result = result.isEmpty() ? null : result;
        countEnded(task);
        LOG.debugf("Task %s (%s) ended: %s", task.id, task.kind, task.state);
    }

    /** Tasks by kind (and final state) on /q/metrics; pending ones are the created less the ended. */
    private void countCreated(TaskEntity task) {
        metrics.counter("vmemperor.tasks.created", "kind", task.kind).increment();
        if (task.finished != null) {
            countEnded(task);
        }
    }

    private void countEnded(TaskEntity task) {
        metrics.counter("vmemperor.tasks.ended", "kind", task.kind, "state", task.state).increment();
    }

    private static TaskEntity newRow(TaskKind kind, String creator, String objectUuid, TaskState state) {
        if (kind == null || creator == null || creator.isBlank()) {
            throw new IllegalArgumentException("a task needs a kind and a creator");
        }
        TaskEntity task = new TaskEntity();
        task.id = UUID.randomUUID().toString();
        task.kind = kind.dbValue();
        task.shape = kind.shape().dbValue();
        task.creator = creator;
        task.objectUuid = objectUuid;
        task.state = state.dbValue();
        task.progress = 0.0;
        // PostgreSQL keeps microseconds: truncate so what we answer equals what another replica reads back
        task.created = Instant.now().truncatedTo(ChronoUnit.MICROS);
        task.updated = task.created;
        return task;
    }

    private static TaskEntity require(String id) {
        TaskEntity task = id == null ? null : TaskEntity.findById(id);
        if (task == null) {
            throw new IllegalArgumentException("no task " + id);
        }
        return task;
    }

    static TaskStatusView view(TaskEntity task) {
        return switch (TaskShape.fromDb(task.shape)) {
            case INSTALLATION -> new TaskStatusView.Installation(task.objectUuid, task.state, task.message);
            case PLAYBOOK -> new TaskStatusView.Playbook(task.returncode, task.state, task.message, format(task.created),
                    format(task.finished));
            case STANDARD -> {
                boolean done = task.finished != null;
                String state = task.state;
                // the spec's three statuses: a cancelled task reads as failed with CANCELLED
                TaskState status = !done ? TaskState.PENDING
                        : TaskState.SUCCESS.dbValue().equals(state) ? TaskState.SUCCESS : TaskState.FAILURE;
                List<String> errorInfo = fromJson(task.errorInfo);
                if (done && TaskState.CANCELLED.dbValue().equals(state) && errorInfo == null) {
                    errorInfo = List.of("CANCELLED");
                }
                yield new TaskStatusView.Standard(format(task.created), status.dbValue(), done ? 1.0 : task.progress,
                        done ? format(task.finished) : null, status == TaskState.FAILURE ? errorInfo : null);
            }
        };
    }

    private static TaskInfo info(TaskEntity task) {
        return new TaskInfo(task.id, TaskKind.fromDb(task.kind), TaskShape.fromDb(task.shape), task.creator,
                TaskState.fromDb(task.state), task.progress,
                task.message, task.objectUuid, task.xenapiRef, task.created, task.finished, fromJson(task.errorInfo),
                task.result, task.returncode, task.updated);
    }

    private static String format(Instant time) {
        return time == null ? null : SPEC_TIME.format(time);
    }

    private static double clamp(double progress) {
        return Math.max(0.0, Math.min(1.0, progress));
    }

    private static String toJson(List<String> list) {
        if (list == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> fromJson(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {
            });
        } catch (JsonProcessingException e) {
            return List.of(json);
        }
    }
}
