package org.vmemperor.common.task;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vmemperor.common.db.Database;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.task.TaskRepository.Ending;
import org.vmemperor.common.task.TaskRepository.TaskRow;
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

    private final Database database;
    private final TaskRepository rows;
    private final XenObjectCache cache;
    private final MeterRegistry metrics;

    public TaskService(Database database, TaskRepository rows, XenObjectCache cache, MeterRegistry metrics) {
        this.database = database;
        this.rows = rows;
        this.cache = cache;
        this.metrics = metrics;
    }

    /**
     * Starts tracking a XenAPI task (the ref an {@code Async.*} call answered) and returns the task id to answer the
     * client with. The row is committed before this returns; its outcome is recorded from the cache's task events
     * (or by the reconciler) and the XenAPI task is destroyed afterwards.
     */
    public String trackXenTask(TaskKind kind, String creator, String xenTaskRef, String objectUuid) {
        TaskRow task = newRow(kind, creator, objectUuid, TaskState.PENDING, xenTaskRef);
        database.run(connection -> {
            rows.insert(connection, task);
            countCreated(task);
            // the task may have ended before the row existed (its event then found nothing to update)
            if (cache.isReady()) {
                Optional<XenObject> ended = cache.byRef(XenClass.TASK, xenTaskRef).filter(XenTaskTracker::isFinished);
                if (ended.isPresent()) {
                    applyXenOutcome(connection, task, ended.get());
                }
            }
        });
        return task.id();
    }

    /** A task that is already done when created, e.g. starting a VM that already runs. */
    public String completedTask(TaskKind kind, String creator, String objectUuid) {
        TaskRow pending = newRow(kind, creator, objectUuid, TaskState.SUCCESS, null);
        TaskRow task = new TaskRow(pending.id(), pending.kind(), pending.creator(), pending.state(), 1.0, null,
                objectUuid, null, pending.created(), pending.created(), null, null, pending.shape(), null,
                pending.updated(), false);
        database.run(connection -> rows.insert(connection, task));
        countCreated(task);
        return task.id();
    }

    /**
     * A task not backed by one XenAPI task (createvm, playbooks, multi-step operations), in state {@code pending};
     * its shape follows the kind ({@link TaskKind#shape}). Move it on with {@link #update} and {@link #finish}.
     */
    public String createTask(TaskKind kind, String creator, String objectUuid) {
        TaskRow task = newRow(kind, creator, objectUuid, TaskState.PENDING, null);
        database.run(connection -> rows.insert(connection, task));
        countCreated(task);
        return task.id();
    }

    /** Moves an unfinished task on; {@code null} arguments leave the column as it is. */
    public void update(String id, TaskState state, Double progress, String message) {
        boolean found = id != null && database.call(connection -> rows.moveOn(connection, id,
                state == null ? null : state.dbValue(), progress == null ? null : clamp(progress), message,
                Instant.now()));
        if (!found) {
            throw noTask(id);
        }
    }

    /** Records the object the task is about once it exists (createvm: the new VM's uuid). */
    public void setObjectUuid(String id, String objectUuid) {
        boolean found = id != null
                && database.call(connection -> rows.setObjectUuid(connection, id, objectUuid, Instant.now()));
        if (!found) {
            throw noTask(id);
        }
    }

    /** Ends a task in {@code state} (success, installed, failed, ...): progress 1, finished now. */
    public void finish(String id, TaskState state, String message) {
        database.run(connection -> end(connection, require(connection, id), state, message, null, null));
    }

    /** Ends a task as failed with XenAPI-style {@code error_info} ([CODE, params...]). */
    public void fail(String id, TaskState state, List<String> errorInfo, String message) {
        database.run(connection -> end(connection, require(connection, id), state == null ? TaskState.FAILURE : state,
                message, toJson(errorInfo), null));
    }

    /**
     * Ends a task as failed unless it has already ended (another replica, or its own worker, got there first);
     * answers whether this call ended it. For tasks found abandoned, e.g. runs whose replica stopped.
     */
    public boolean failIfUnfinished(String id, List<String> errorInfo, String message) {
        return database.call(connection -> {
            Optional<TaskRow> task = rows.findForUpdate(connection, id);
            if (task.isEmpty() || task.get().finished() != null) {
                return false;
            }
            end(connection, task.get(), TaskState.FAILURE, message, toJson(errorInfo), null);
            return true;
        });
    }

    /**
     * Ends a playbook run with its return code (0 = success) unless it has already ended; answers whether this call
     * ended it. A run can end twice: another replica marks it interrupted when its heartbeat stops (the replica
     * paused, or cut off from the database, while ansible-playbook went on), and the run's own replica then sees
     * ansible-playbook exit. The first end stays: a final state, once answered by /taskstatus, never changes.
     */
    public boolean finishPlaybook(String id, int returncode, String message) {
        return database.call(connection -> {
            TaskRow task = rows.findForUpdate(connection, id).orElseThrow(() -> noTask(id));
            if (task.finished() != null) {
                return false;
            }
            end(connection, task, returncode == 0 ? TaskState.SUCCESS : TaskState.FAILURE, message, null, returncode);
            return true;
        });
    }

    /**
     * The common end of every task: its final state, progress 1, finished now; {@code null} message, error or return
     * code leave the column as it is.
     */
    private void end(Connection connection, TaskRow task, TaskState state, String message, String errorInfo,
            Integer returncode) throws SQLException {
        rows.end(connection, task.id(), new Ending(state.dbValue(), message, errorInfo, returncode, Instant.now()));
        countEnded(task.kind(), state.dbValue());
    }

    /** The row, for services that need more than the status view. */
    public Optional<TaskInfo> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return database.call(connection -> rows.find(connection, id)).map(TaskService::info);
    }

    /**
     * The /taskstatus answer for {@code caller}: empty for an unknown id and for someone else's task alike, so ids
     * cannot be probed. Administrators see every task.
     */
    public Optional<TaskStatusView> status(String id, UserPrincipal caller) {
        if (id == null) {
            return Optional.empty();
        }
        return database.call(connection -> {
            TaskRow task = rows.find(connection, id).orElse(null);
            if (task == null || !(caller.admin() || caller.id().equals(task.creator()))) {
                return Optional.<TaskStatusView> empty();
            }
            if (task.finished() == null && task.xenapiRef() != null && cache.isReady()) {
                Optional<XenObject> live = cache.byRef(XenClass.TASK, task.xenapiRef());
                if (live.isPresent()) {
                    if (XenTaskTracker.isFinished(live.get())) {
                        applyXenOutcome(connection, task, live.get());
                        task = rows.find(connection, id).orElseThrow();
                    } else {
                        // fresher than the row: progress is not written for every event
                        task = task.withProgress(clamp(live.get().decimal("progress")));
                    }
                }
            }
            return Optional.of(view(task));
        });
    }

    /** The unfinished tasks of {@code kind} in {@code state}, oldest first (installs to follow, runs to resume). */
    public List<TaskInfo> unfinished(TaskKind kind, TaskState state) {
        return database.call(connection -> rows.unfinished(connection, kind.dbValue(), state.dbValue())).stream()
                .map(TaskService::info).toList();
    }

    /**
     * Ids of the unfinished tasks of {@code kind} in one of {@code states} that have not moved since {@code before}
     * (work whose replica stopped).
     */
    public List<String> unfinishedIdle(TaskKind kind, Set<TaskState> states, Instant before) {
        List<String> stateValues = states.stream().map(TaskState::dbValue).toList();
        return database.call(connection -> rows.unfinishedIdle(connection, kind.dbValue(), stateValues, before));
    }

    // --- used by XenTaskTracker ---

    /** Records a finished XenAPI task on every unfinished row that tracks it; answers whether one was updated. */
    boolean recordXenOutcome(XenObject xenTask) {
        return database.call(connection -> {
            List<TaskRow> tracking = rows.unfinishedTracking(connection, xenTask.ref());
            for (TaskRow row : tracking) {
                applyXenOutcome(connection, row, xenTask);
            }
            return !tracking.isEmpty();
        });
    }

    /** Whether some finished row tracks this XenAPI task and it is not destroyed yet: only then may we destroy it. */
    boolean awaitsDestroy(String xenTaskRef) {
        return database.call(connection -> rows.awaitsDestroy(connection, xenTaskRef));
    }

    void markDestroyed(String xenTaskRef) {
        database.run(connection -> rows.markDestroyed(connection, xenTaskRef));
    }

    List<String> unfinishedXenRefs() {
        return database.call(rows::unfinishedXenRefs);
    }

    Optional<Instant> firstTracked(String xenTaskRef) {
        return database.call(connection -> rows.firstTracked(connection, xenTaskRef));
    }

    List<String> finishedUndestroyedXenRefs() {
        return database.call(rows::finishedUndestroyedXenRefs);
    }

    /** The pool forgot a task we still track (destroyed by someone else before we saw its end). */
    void markLost(String xenTaskRef) {
        String state = TaskState.FAILURE.dbValue();
        database.call(connection -> rows.markLost(connection, xenTaskRef, state,
                toJson(List.of("TASK_LOST", xenTaskRef)), Instant.now()))
                .forEach(kind -> countEnded(kind, state));
    }

    long purgeFinishedBefore(Instant cutoff) {
        return database.call(connection -> rows.purgeFinishedBefore(connection, cutoff));
    }

    // --- mapping ---

    private void applyXenOutcome(Connection connection, TaskRow task, XenObject xenTask) throws SQLException {
        String status = xenTask.string("status");
        // XenAPI's task status (its wire values) to ours
        TaskState state = switch (status) {
            case "success" -> TaskState.SUCCESS;
            case "cancelled" -> TaskState.CANCELLED;
            default -> TaskState.FAILURE;
        };
        Instant finished = xenTask.time("finished");
        List<String> errorInfo = xenTask.strings("error_info");
        String result = xenTask.string("result");
        rows.recordXenOutcome(connection, task.id(), state.dbValue(),
                finished.equals(Instant.EPOCH) ? Instant.now() : finished,
                errorInfo.isEmpty() ? null : toJson(errorInfo), result.isEmpty() ? null : result, Instant.now());
        countEnded(task.kind(), state.dbValue());
        LOG.debugf("Task %s (%s) ended: %s", task.id(), task.kind(), state.dbValue());
    }

    /** Tasks by kind (and final state) on /q/metrics; pending ones are the created less the ended. */
    private void countCreated(TaskRow task) {
        metrics.counter("vmemperor.tasks.created", "kind", task.kind()).increment();
        if (task.finished() != null) {
            countEnded(task.kind(), task.state());
        }
    }

    private void countEnded(String kind, String state) {
        metrics.counter("vmemperor.tasks.ended", "kind", kind, "state", state).increment();
    }

    private static TaskRow newRow(TaskKind kind, String creator, String objectUuid, TaskState state,
            String xenapiRef) {
        if (kind == null || creator == null || creator.isBlank()) {
            throw new IllegalArgumentException("a task needs a kind and a creator");
        }
        // PostgreSQL keeps microseconds: truncate so what we answer equals what another replica reads back
        Instant created = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return new TaskRow(UUID.randomUUID().toString(), kind.dbValue(), creator, state.dbValue(), 0.0, null,
                objectUuid, xenapiRef, created, null, null, null, kind.shape().dbValue(), null, created, false);
    }

    private TaskRow require(Connection connection, String id) throws SQLException {
        if (id == null) {
            throw noTask(null);
        }
        return rows.find(connection, id).orElseThrow(() -> noTask(id));
    }

    private static IllegalArgumentException noTask(String id) {
        return new IllegalArgumentException("no task " + id);
    }

    static TaskStatusView view(TaskRow task) {
        return switch (TaskShape.fromDb(task.shape())) {
            case INSTALLATION -> new TaskStatusView.Installation(task.objectUuid(), task.state(), task.message());
            case PLAYBOOK ->
                new TaskStatusView.Playbook(task.returncode(), task.state(), task.message(), format(task.created()),
                        format(task.finished()));
            case STANDARD -> {
                boolean done = task.finished() != null;
                String state = task.state();
                // the spec's three statuses: a cancelled task reads as failed with CANCELLED
                TaskState status = !done ? TaskState.PENDING
                        : TaskState.SUCCESS.dbValue().equals(state) ? TaskState.SUCCESS : TaskState.FAILURE;
                List<String> errorInfo = fromJson(task.errorInfo());
                if (done && TaskState.CANCELLED.dbValue().equals(state) && errorInfo == null) {
                    errorInfo = List.of("CANCELLED");
                }
                yield new TaskStatusView.Standard(format(task.created()), status.dbValue(), done ? 1.0 : task.progress(),
                        done ? format(task.finished()) : null, status == TaskState.FAILURE ? errorInfo : null);
            }
        };
    }

    private static TaskInfo info(TaskRow task) {
        return new TaskInfo(task.id(), TaskKind.fromDb(task.kind()), TaskShape.fromDb(task.shape()), task.creator(),
                TaskState.fromDb(task.state()), task.progress(),
                task.message(), task.objectUuid(), task.xenapiRef(), task.created(), task.finished(),
                fromJson(task.errorInfo()),
                task.result(), task.returncode(), task.updated());
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
