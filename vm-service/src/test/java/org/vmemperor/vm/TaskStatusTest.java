package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.vmemperor.vm.testing.Users.as;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskState;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.VmOperations;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.testing.TestPool;
import org.vmemperor.vm.testing.Users;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /taskstatus: ownership, the three shapes, and tasks written by another service instance. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class TaskStatusTest {

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    TaskService tasks;
    @Inject
    VmOperations operations;
    @Inject
    DataSource dataSource;
    @InjectSimulator
    XapiSimulator simulator;

    Users users;
    TestPool pool;

    @BeforeEach
    void setUp() {
        users = new Users(signer, rights);
        pool = new TestPool(simulator);
    }

    @Test
    void onlyTheCreatorAndAdministratorsSeeATask() {
        String uuid = pool.newHaltedVm("sam-vm");
        users.grant(ObjectType.VM, uuid, "sam", Action.LAUNCH);
        users.grant(ObjectType.VM, uuid, "tom", Action.LAUNCH);
        String sam = users.token("sam");
        await().atMost(Duration.ofSeconds(60)).until(() -> as(sam).body(Map.of("uuid", uuid)).post("/vminfo").then()
                .extract().statusCode() == 200);
        String task = as(sam).body(Map.of("uuid", uuid, "enable", true)).post("/startstopvm").then().statusCode(200)
                .extract().path("task");
        assertThat(task).doesNotStartWith("OpaqueRef");

        as(sam).body(Map.of("task", task)).post("/taskstatus").then().statusCode(200);
        // tom may launch the same VM, but the task is sam's: 404 with an empty body, exactly like an unknown id
        as(users.token("tom")).body(Map.of("task", task)).post("/taskstatus").then().statusCode(404)
                .body(emptyString());
        as(sam).body(Map.of("task", UUID.randomUUID().toString())).post("/taskstatus").then().statusCode(404)
                .body(emptyString());
        as(users.adminToken()).body(Map.of("task", task)).post("/taskstatus").then().statusCode(200);
        as(sam).body(Map.of()).post("/taskstatus").then().statusCode(400);
    }

    @Test
    void aTaskStartedByAnotherInstanceIsTrackedHere() throws Exception {
        // another replica called Async.VM.start and wrote the row, then went away before recording the outcome
        String uuid = pool.newHaltedVm("uma-vm");
        String xenTask = operations.startAsync(simulator.pool().ref("VM", uuid));
        String id = UUID.randomUUID().toString();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO task (id, kind, creator, state, progress, xenapi_ref, created, shape)"
                                + " VALUES (?, 'startvm', 'users/uma', 'pending', 0, ?, ?, 'standard')")) {
            insert.setString(1, id);
            insert.setString(2, xenTask);
            insert.setTimestamp(3, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        String uma = users.token("uma");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> as(uma).body(Map.of("task", id))
                .post("/taskstatus").then().statusCode(200).body("status", is("success")).body("progress", is(1.0f)));
        // the row itself was completed (not just the answer), and the XenAPI task destroyed on the pool
        await().atMost(Duration.ofSeconds(60)).until(() -> tasks.find(id).orElseThrow().isFinished()
                && !simulator.pool().records("task").containsKey(xenTask));
        assertThat(pool.powerState(uuid)).isEqualTo("Running");
    }

    @Test
    void installationAndPlaybookShapes() {
        String install = tasks.createTask(TaskKind.CREATEVM, "users/vera", null);
        String vera = users.token("vera");
        as(vera).body(Map.of("task", install)).post("/taskstatus").then().statusCode(200)
                .body("uuid", nullValue()).body("state", is("pending"));
        tasks.setObjectUuid(install, "0e9d218d-03ef-49be-934a-dbc47c206957");
        tasks.update(install, TaskState.INSTALLING, 0.5, "installing the OS");
        as(vera).body(Map.of("task", install)).post("/taskstatus").then().statusCode(200)
                .body("uuid", is("0e9d218d-03ef-49be-934a-dbc47c206957")).body("state", is("installing"))
                .body("message", is("installing the OS"));

        String playbook = tasks.createTask(TaskKind.PLAYBOOK, "users/vera", null);
        as(vera).body(Map.of("task", playbook)).post("/taskstatus").then().statusCode(200)
                .body("returncode", nullValue());
        tasks.finishPlaybook(playbook, 4, "unreachable");
        as(vera).body(Map.of("task", playbook)).post("/taskstatus").then().statusCode(200)
                .body("returncode", is(4));

        String failed = tasks.createTask(TaskKind.DESTROYVM, "users/vera", null);
        tasks.fail(failed, null, List.of("VDI_IN_USE", "OpaqueRef:x", "destroy"), null);
        as(vera).body(Map.of("task", failed)).post("/taskstatus").then().statusCode(200)
                .body("status", is("failure")).body("error_info[0]", is("VDI_IN_USE"));
    }
}
