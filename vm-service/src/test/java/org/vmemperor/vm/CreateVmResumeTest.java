package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.vm.CreateVmTest.awaitFinished;

import java.net.URL;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskState;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.install.AutoinstallTokens;
import org.vmemperor.vm.install.IssuedToken;
import org.vmemperor.vm.service.InstallWatcher;
import org.vmemperor.vm.testing.PublicUrlResource;
import org.vmemperor.vm.testing.Users;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Installs in progress when vm-service (re)starts: the task rows are written here as a previous instance would have
 * left them, without telling the watcher, so only its scan of the task table can pick them up.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(PublicUrlResource.class)
class CreateVmResumeTest {

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    TaskService tasks;
    @Inject
    AutoinstallTokens tokens;
    @Inject
    InstallWatcher watcher;
    @Inject
    DataSource dataSource;
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("autoinstall")
    URL autoinstall;

    String alice;

    @BeforeEach
    void setUp() {
        alice = new Users(signer, rights).token("alice");
    }

    @Test
    void anInstallThatFinishedWhileTheServiceWasDownIsCompleted() throws Exception {
        String vm = provisionedDebian("resume-finished", "preseed/url=" + autoinstall + "/" + "A".repeat(43));
        String task = tasks.createTask(TaskKind.CREATEVM, "users/alice", vm);
        // the installer fetched its file and powered the VM off while no watcher ran
        IssuedToken token = tokens.issue(vm, task, "d-i debian-installer/exit/poweroff boolean true\n");
        assertThat(tokens.consume(token.token())).isPresent();
        installing(task);
        assertThat(simulator.pool().record("VM", vm).get("power_state")).isEqualTo("Halted");

        watcher.scan(); // what start-up (and every interval) does
        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).as(done.prettify()).isEqualTo("installed");
        Map<String, Object> record = simulator.pool().record("VM", vm);
        assertThat(record.get("power_state")).isEqualTo("Running");
        assertThat(record.get("PV_bootloader")).isEqualTo("pygrub");
        assertThat(record.get("PV_args")).isEqualTo("");
    }

    @Test
    void anInstallUnderwayIsFollowedToTheEnd() throws Exception {
        String vm = provisionedDebian("resume-underway", null);
        String task = tasks.createTask(TaskKind.CREATEVM, "users/alice", vm);
        IssuedToken token = tokens.issue(vm, task, "d-i debian-installer/exit/poweroff boolean true\n");
        withSdk(c -> {
            VM handle = VM.getByUuid(c, vm);
            handle.setPVArgs(c, "auto=true preseed/url=" + autoinstall + "/" + token.token());
            handle.start(c, false, true);
        });
        installing(task);

        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).as(done.prettify()).isEqualTo("installed");
        assertThat(simulator.installerFetches(vm)).hasSize(1);
        assertThat(simulator.pool().record("VM", vm).get("power_state")).isEqualTo("Running");
    }

    @Test
    void anInstallWhoseVmWasDestroyedFails() {
        String task = tasks.createTask(TaskKind.CREATEVM, "users/alice", UUID.randomUUID().toString());
        installing(task);
        watcher.scan();
        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("destroyed");
    }

    @Test
    void aBuildInterruptedByAStopFails() throws Exception {
        String task = tasks.createTask(TaskKind.CREATEVM, "users/alice", null);
        tasks.update(task, TaskState.CLONED, 0.15, "cloned");
        // as if the replica building it stopped an hour ago
        try (java.sql.Connection db = dataSource.getConnection(); // the SDK owns the name Connection here
                PreparedStatement age = db.prepareStatement("UPDATE task SET created = created - interval '1 hour',"
                        + " updated = updated - interval '1 hour' WHERE id = ?")) {
            age.setString(1, task);
            assertThat(age.executeUpdate()).isEqualTo(1);
        }
        watcher.scan();
        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("interrupted");
    }

    /** Moves a createvm row to installing, as /createvm does once the VM runs. */
    private void installing(String task) {
        tasks.update(task, TaskState.INSTALLING, 0.7, "installing");
    }

    /** A halted, provisioned Debian VM; with {@code pvArgs}, set as the installer's command line. */
    private String provisionedDebian(String name, String pvArgs) throws Exception {
        String[] uuid = new String[1];
        withSdk(c -> {
            VM vm = VM.getByNameLabel(c, "Debian Bookworm 12").iterator().next().createClone(c, name);
            vm.provision(c);
            Optional.ofNullable(pvArgs).ifPresent(args -> {
                try {
                    vm.setPVArgs(c, args);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            uuid[0] = vm.getUuid(c);
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> simulator.pool().record("VM", uuid[0]) != null);
        return uuid[0];
    }

    @FunctionalInterface
    interface SdkWork {
        void run(Connection connection) throws Exception;
    }

    private void withSdk(SdkWork work) throws Exception {
        Connection c = new Connection(new URL(simulator.url()));
        Session.loginWithPassword(c, "root", PoolTestResource.ROOT_PASSWORD);
        try {
            work.run(c);
        } finally {
            Session.logout(c);
        }
    }
}
