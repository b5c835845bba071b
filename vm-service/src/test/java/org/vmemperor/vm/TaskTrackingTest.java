package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.task.TaskInfo;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskState;
import org.vmemperor.common.task.TaskStatusView;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.Metrics;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.testing.Users;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * common's task infrastructure ({@code TaskService}, {@code XenTaskTracker}) against the simulator, driven directly
 * rather than through a route: the XenAPI tasks are made by hand on the simulated pool so that each test decides
 * when (and how) they end. The profile shortens the reconciler's interval and the lost-task grace so that those
 * paths run within seconds.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@TestProfile(TaskTrackingTest.FastReconciler.class)
class TaskTrackingTest {

    public static class FastReconciler implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // retention stays at an hour: rows of the other tests here must not vanish while they are checked;
            // the retention test writes rows that finished long before instead
            return Map.of("vmemperor.tasks.reconcile-interval", "200ms", "vmemperor.tasks.lost-task-grace", "2s",
                    "vmemperor.tasks.retention", "1h");
        }
    }

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Inject
    TaskService tasks;
    @Inject
    XenObjectCache cache;
    @Inject
    DataSource dataSource;
    @InjectSimulator
    XapiSimulator simulator;

    /** A pending XenAPI task on the pool, as an Async.* call would leave it, that only the test moves on. */
    private String pendingXenTask() {
        return simulator.pool().create("task", Map.of("name_label", "Async.test", "status", "pending",
                "progress", 0.0, "created", Instant.now()));
    }

    private boolean onThePool(String xenTask) {
        return simulator.pool().records("task").containsKey(xenTask);
    }

    private TaskInfo row(String id) {
        return tasks.find(id).orElseThrow();
    }

    @Test
    void theRowExistsBeforeTheIdIsAnswered() {
        String xenTask = pendingXenTask();
        String id = tasks.trackXenTask(TaskKind.STARTVM, "users/ada", xenTask, null);

        // no waiting: whatever replica the client's next request reaches reads the committed row
        Optional<TaskStatusView> status = tasks.status(id, Users.user("ada"));
        assertThat(status).get().isInstanceOf(TaskStatusView.Standard.class);
        assertThat(((TaskStatusView.Standard) status.get()).status()).isEqualTo("pending");
        assertThat(id).doesNotStartWith("OpaqueRef").isNotEqualTo(xenTask);
        assertThat(row(id).xenapiRef()).isEqualTo(xenTask);
        assertThat(row(id).isFinished()).isFalse();
        // someone else asking is told nothing, exactly as for an unknown id
        assertThat(tasks.status(id, Users.user("bob"))).isEmpty();
        simulator.pool().destroy("task", xenTask);
    }

    @Test
    void successIsRecordedFromEventsAndTheXenTaskDestroyed() {
        String xenTask = pendingXenTask();
        String id = tasks.trackXenTask(TaskKind.STARTVM, "users/ada", xenTask, null);
        await().atMost(PATIENCE).until(() -> cache.byRef(XenClass.TASK, xenTask).isPresent());

        simulator.pool().set("task", xenTask, "progress", 0.5);
        await().atMost(PATIENCE).until(() -> progressOf(id, "ada") == 0.5);
        assertThat(row(id).isFinished()).isFalse();

        simulator.pool().set("task", xenTask, "result", "<value>OpaqueRef:result</value>");
        simulator.pool().set("task", xenTask, "finished", Instant.now());
        simulator.pool().set("task", xenTask, "status", "success");
        await().atMost(PATIENCE).until(() -> row(id).isFinished());
        TaskInfo done = row(id);
        assertThat(done.state()).isEqualTo(TaskState.SUCCESS);
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(done.errorInfo()).isNull();
        assertThat(done.result()).isEqualTo("<value>OpaqueRef:result</value>");
        TaskStatusView.Standard status = (TaskStatusView.Standard) tasks.status(id, Users.user("ada")).orElseThrow();
        assertThat(status.status()).isEqualTo("success");
        assertThat(status.finished()).isNotNull();
        assertThat(status.errorInfo()).isNull();

        // XenAPI keeps finished tasks until a client destroys them: the tracker does
        await().atMost(PATIENCE).until(() -> !onThePool(xenTask));
    }

    @Test
    void failureIsRecordedWithItsErrorInfoAndTheXenTaskDestroyed() {
        String xenTask = pendingXenTask();
        String id = tasks.trackXenTask(TaskKind.DESTROYVM, "users/ada", xenTask, null);
        await().atMost(PATIENCE).until(() -> cache.byRef(XenClass.TASK, xenTask).isPresent());

        // error_info before status, as xapi writes them in one update: the final event must carry both
        simulator.pool().set("task", xenTask, "error_info", List.of("VDI_IN_USE", "OpaqueRef:vdi", "destroy"));
        simulator.pool().set("task", xenTask, "finished", Instant.now());
        simulator.pool().set("task", xenTask, "status", "failure");
        await().atMost(PATIENCE).until(() -> row(id).isFinished());
        TaskInfo done = row(id);
        assertThat(done.state()).isEqualTo(TaskState.FAILURE);
        assertThat(done.errorInfo()).containsExactly("VDI_IN_USE", "OpaqueRef:vdi", "destroy");
        TaskStatusView.Standard status = (TaskStatusView.Standard) tasks.status(id, Users.user("ada")).orElseThrow();
        assertThat(status.status()).isEqualTo("failure");
        assertThat(status.errorInfo()).containsExactly("VDI_IN_USE", "OpaqueRef:vdi", "destroy");

        await().atMost(PATIENCE).until(() -> !onThePool(xenTask));
    }

    @Test
    void aTaskThePoolForgotIsLostAfterTheGracePeriod() {
        String xenTask = pendingXenTask();
        String id = tasks.trackXenTask(TaskKind.STARTVM, "users/ada", xenTask, null);
        await().atMost(PATIENCE).until(() -> cache.byRef(XenClass.TASK, xenTask).isPresent());
        // another client destroys the task before it ends: no final event ever comes
        simulator.pool().destroy("task", xenTask);
        await().atMost(PATIENCE).until(() -> cache.byRef(XenClass.TASK, xenTask).isEmpty());

        // the grace (2s, counted from the row's creation) gives events time to arrive before the pool is asked
        await().atMost(PATIENCE).until(() -> row(id).isFinished());
        Instant tracked = row(id).created();
        TaskInfo lost = row(id);
        assertThat(lost.finished()).isAfterOrEqualTo(tracked.plus(Duration.ofSeconds(2)));
        assertThat(lost.state()).isEqualTo(TaskState.FAILURE);
        assertThat(lost.errorInfo()).containsExactly("TASK_LOST", xenTask);
        TaskStatusView.Standard status = (TaskStatusView.Standard) tasks.status(id, Users.user("ada")).orElseThrow();
        assertThat(status.status()).isEqualTo("failure");
        assertThat(status.errorInfo()).containsExactly("TASK_LOST", xenTask);
    }

    @Test
    void tasksAreCountedOnMetricsByKindAndFinalState() {
        double created = Metrics.sum("vmemperor_tasks_created_total", "kind", "destroyvm");
        double failed = Metrics.sum("vmemperor_tasks_ended_total", "kind", "destroyvm", "state", "failure");
        String xenTask = pendingXenTask();
        String id = tasks.trackXenTask(TaskKind.DESTROYVM, "users/ada", xenTask, null);
        assertThat(Metrics.sum("vmemperor_tasks_created_total", "kind", "destroyvm")).isEqualTo(created + 1);
        assertThat(Metrics.sum("vmemperor_tasks_ended_total", "kind", "destroyvm", "state", "failure"))
                .isEqualTo(failed);

        simulator.pool().set("task", xenTask, "error_info", List.of("VDI_IN_USE", "OpaqueRef:vdi", "destroy"));
        simulator.pool().set("task", xenTask, "finished", Instant.now());
        simulator.pool().set("task", xenTask, "status", "failure");
        await().atMost(PATIENCE).until(() -> row(id).isFinished());
        assertThat(Metrics.sum("vmemperor_tasks_ended_total", "kind", "destroyvm", "state", "failure"))
                .isGreaterThanOrEqualTo(failed + 1);
    }

    @Test
    void retentionDeletesOnlyRowsFinishedLongAgo() throws Exception {
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        String old = insertRow(twoHoursAgo, twoHoursAgo);
        // unfinished rows are kept however old they are: their operation may still be running
        String oldUnfinished = insertRow(twoHoursAgo, null);
        String recent = tasks.completedTask(TaskKind.STARTVM, "users/ada", null);

        await().atMost(PATIENCE).until(() -> tasks.find(old).isEmpty());
        assertThat(tasks.find(oldUnfinished)).isPresent();
        assertThat(tasks.find(recent)).isPresent();
    }

    private double progressOf(String id, String user) {
        return ((TaskStatusView.Standard) tasks.status(id, Users.user(user)).orElseThrow()).progress();
    }

    private String insertRow(Instant created, Instant finished) throws Exception {
        String id = UUID.randomUUID().toString();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO task (id, kind, creator, state, progress, created, finished, shape)"
                                + " VALUES (?, 'startvm', 'users/ada', ?, ?, ?, ?, 'standard')")) {
            insert.setString(1, id);
            insert.setString(2, finished == null ? "pending" : "success");
            insert.setDouble(3, finished == null ? 0.0 : 1.0);
            insert.setTimestamp(4, Timestamp.from(created));
            insert.setTimestamp(5, finished == null ? null : Timestamp.from(finished));
            insert.executeUpdate();
        }
        return id;
    }
}
