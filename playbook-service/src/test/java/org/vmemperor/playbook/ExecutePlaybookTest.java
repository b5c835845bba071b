package org.vmemperor.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.vmemperor.playbook.testing.Callers.as;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskState;
import org.vmemperor.common.task.TaskStatusView;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.playbook.service.RunRegistry;
import org.vmemperor.playbook.service.Workspaces;
import org.vmemperor.playbook.testing.Callers;
import org.vmemperor.playbook.testing.InjectSshd;
import org.vmemperor.playbook.testing.Sshd;
import org.vmemperor.playbook.testing.SshdResource;
import org.vmemperor.playbook.testing.TestVms;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * POST /executeplaybook with the real ansible-playbook against a real sshd on 127.0.0.1 standing in for the VMs (the
 * simulator reports their guest address as 127.0.0.1). The shipped user-ssh-key playbook creates, then removes, a
 * throwaway user on this machine: harmless where tests run as root. Only one run at a time
 * ({@code max-concurrent-runs=1}), and only 127.0.0.1/32 is an allowed network.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(SshdResource.class)
class ExecutePlaybookTest {

    private static final List<String> CREATED_USERS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    TaskService tasks;
    @Inject
    XenObjectCache cache;
    @Inject
    RunRegistry registry;
    @Inject
    Workspaces workspaces;
    @InjectSimulator
    XapiSimulator simulator;
    @InjectSshd
    Sshd sshd;

    private Callers callers;
    private TestVms vms;

    @BeforeEach
    void setUp() {
        callers = new Callers(signer, rights);
        vms = new TestVms(simulator, cache);
    }

    @AfterAll
    static void removeUsersLeftByFailures() throws Exception {
        for (String user : CREATED_USERS) {
            new ProcessBuilder("userdel", "-r", user).start().waitFor();
        }
    }

    private String vmOf(String user, String name, String address) {
        String vm = vms.running(name, address);
        grant(vm, user);
        return vm;
    }

    /** Grants launch and waits until the service's cache shows it (rights reach the cache through pool events). */
    private void grant(String vm, String user) {
        callers.grant(vm, user, Action.LAUNCH);
        UserPrincipal principal = new UserPrincipal("users/" + user, user, user, List.of(), false);
        await("the cache shows " + user + "'s right on " + vm).atMost(Duration.ofSeconds(30))
                .until(() -> cache.byUuid(XenClass.VM, vm)
                        .map(record -> AccessRights.check(principal, record.stringMap("other_config"), Action.LAUNCH))
                        .orElse(false));
    }

    private String execute(String token, Map<String, Object> body) {
        return as(token).body(body).post("/executeplaybook").then().statusCode(200).extract().path("task");
    }

    private TaskStatusView.Playbook status(String task, String user) {
        return (TaskStatusView.Playbook) tasks.status(task, new UserPrincipal("users/" + user, user, user, List.of(),
                false)).orElseThrow();
    }

    private TaskStatusView.Playbook finished(String task, String user) {
        await("run " + task).atMost(Duration.ofMinutes(3)).until(() -> status(task, user).finished() != null);
        return status(task, user);
    }

    private List<Path> workspaces() throws IOException {
        if (!Files.isDirectory(sshd.work())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(sshd.work())) {
            return entries.toList();
        }
    }

    @Test
    void theShippedUserPlaybookCreatesAndRemovesAUserOverSsh() throws Exception {
        String alice = callers.token("alice");
        String vm = vmOf("alice", "pb-user", "127.0.0.1");
        String username = "vmemp" + UUID.randomUUID().toString().substring(0, 8);
        CREATED_USERS.add(username);
        String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOjV7z4yrD1o6f0d1m2Rk2d6m6C4g2hDk1m2v3b4n5m6 test@vmemperor";
        String task = execute(alice, Map.of("playbook", "user-ssh-key", "vms", List.of(vm), "username", username,
                "ssh_key", key));
        TaskStatusView.Playbook done = finished(task, "alice");
        String stdout = as(alice).get("/playbooklog?task=" + task).then().statusCode(200).extract().asString();
        assertThat(done.returncode()).as(stdout).isEqualTo(0);
        assertThat(done.state()).isEqualTo("success");
        assertThat(done.created()).isNotNull();
        assertThat(done.finished()).isNotNull();
        assertThat(stdout).contains("PLAY RECAP").contains("the key is authorized");
        String home = passwdHome(username);
        assertThat(Files.readString(Path.of(home, ".ssh", "authorized_keys"))).contains(key);

        // the log: its creator and administrators; nobody else learns the task exists
        as(callers.adminToken()).get("/playbooklog?task=" + task + "&stream=stderr").then().statusCode(200);
        as(callers.token("mallory")).get("/playbooklog?task=" + task).then().statusCode(404)
                .contentType("application/json").body("message", is("no such playbook run"));
        as(alice).get("/playbooklog?task=" + UUID.randomUUID()).then().statusCode(404)
                .body("message", is("no such playbook run"));
        as(alice).get("/playbooklog?task=" + task + "&stream=../../etc/passwd").then().statusCode(400)
                .body("message", is("stream must be stdout or stderr"));
        as(alice).get("/playbooklog").then().statusCode(400).body("message", is("task is required"));
        assertThat(workspaces()).as("the run's private directory is removed").isEmpty();

        String removal = execute(alice, Map.of("playbook", "user-ssh-key", "vms", List.of(vm), "username", username,
                "state", "absent"));
        assertThat(finished(removal, "alice").returncode()).isEqualTo(0);
        assertThat(passwdLine(username)).isEmpty();
        CREATED_USERS.remove(username);
    }

    @Test
    void aFailingPlaybookEndsWithItsReturnCodeAndKeepsItsLogs() throws Exception {
        String carol = callers.token("carol");
        String vm = vmOf("carol", "pb-fail", "127.0.0.1");
        String task = execute(carol, Map.of("playbook", "fail", "vms", List.of(vm)));
        TaskStatusView.Playbook done = finished(task, "carol");
        assertThat(done.returncode()).isEqualTo(2);
        assertThat(done.state()).isEqualTo("failure");
        assertThat(Files.readString(sshd.logs().resolve(task).resolve("stdout"))).contains("failed on purpose");
        as(carol).get("/playbooklog?task=" + task).then().statusCode(200).body(containsString("failed on purpose"));
        assertThat(workspaces()).isEmpty();
    }

    @Test
    void variablesArriveTypedAndIllTypedOnesAreRefused() {
        String dave = callers.token("dave");
        String vm = vmOf("dave", "pb-typed", "127.0.0.1");
        String task = execute(dave, Map.of("playbook", "typed", "vms", List.of(vm), "count", "42", "flag", true,
                "label", "a b", "mode", "fast"));
        TaskStatusView.Playbook done = finished(task, "dave");
        assertThat(done.returncode()).as(done.message()).isEqualTo(0);

        Map<String, Object> base = Map.of("playbook", "typed", "vms", List.of(vm));
        for (Map.Entry<String, Object> wrong : List.<Map.Entry<String, Object>> of(Map.entry("count", "many"),
                Map.entry("count", 4.5), Map.entry("flag", "maybe"), Map.entry("label", 5), Map.entry("mode", "slow"),
                Map.entry("mode", List.of("fast")))) {
            Map<String, Object> body = new java.util.HashMap<>(base);
            body.put(wrong.getKey(), wrong.getValue());
            as(dave).body(body).post("/executeplaybook").then().statusCode(400).body("status", is("bad request"))
                    .body("message", containsString("'" + wrong.getKey() + "'"));
        }
        Map<String, Object> unknown = new java.util.HashMap<>(base);
        unknown.put("colour", "red");
        as(dave).body(unknown).post("/executeplaybook").then().statusCode(400)
                .body("message", containsString("'colour'"));
        as(dave).body(Map.of("playbook", "nope", "vms", List.of(vm))).post("/executeplaybook").then().statusCode(400)
                .body("message", is("no such playbook: nope"));
        as(dave).body(Map.of("playbook", "admin-inventory")).post("/executeplaybook").then().statusCode(400)
                .body("message", is("no such playbook: admin-inventory"));
        String second = vmOf("dave", "pb-typed-2", "127.0.0.1");
        as(dave).body(Map.of("playbook", "typed", "vms", List.of(vm, second))).post("/executeplaybook").then()
                .statusCode(400).body("message", containsString("single"));
        as(dave).body(Map.of("vms", List.of(vm))).post("/executeplaybook").then().statusCode(400);
    }

    @Test
    void anotherUsersVmIsRefused() {
        String erin = callers.token("erin");
        String mine = vmOf("erin", "pb-erin", "127.0.0.1");
        String theirs = vmOf("frank", "pb-frank", "127.0.0.1");
        as(erin).body(Map.of("playbook", "fail", "vms", List.of(theirs))).post("/executeplaybook").then()
                .statusCode(403).body("status", is("access denied"));
        String message = as(erin).body(Map.of("playbook", "fail", "vms", List.of(mine, theirs)))
                .post("/executeplaybook").then().statusCode(403).extract().path("message");
        assertThat(message).doesNotContain(mine).doesNotContain(theirs);
    }

    @Test
    void runsBeyondTheLimitWaitQueuedInTheirPrivateDirectory() throws Exception {
        String grace = callers.token("grace");
        String vm = vmOf("grace", "pb-wait", "127.0.0.1");
        Path release = sshd.scratch().resolve("release-" + UUID.randomUUID());
        String first = execute(grace, Map.of("playbook", "wait-for-file", "vms", List.of(vm), "path", release.toString()));
        await("first run starts").atMost(Duration.ofMinutes(1)).until(() -> "running".equals(status(first, "grace").state()));
        String second = execute(grace, Map.of("playbook", "wait-for-file", "vms", List.of(vm), "path", release.toString()));
        assertThat(status(second, "grace").state()).isEqualTo("queued");
        assertThat(status(second, "grace").returncode()).isNull();
        Path workspace = sshd.work().resolve("run-" + first);
        assertThat(workspace).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace))).isEqualTo("rwx------");
        assertThat(Files.readString(workspace.resolve(".vmemperor-extra-vars.json"))).contains(release.toString());
        assertThat(status(first, "grace").returncode()).isNull();

        Files.writeString(release, "go");
        assertThat(finished(first, "grace").returncode()).isEqualTo(0);
        assertThat(finished(second, "grace").returncode()).isEqualTo(0);
        assertThat(workspaces()).isEmpty();
    }

    @Test
    void guestsOutsideTheAllowedNetworksAreNeverContacted() throws Exception {
        String heidi = callers.token("heidi");
        String inside = vmOf("heidi", "pb-inside", "127.0.0.1");
        String outside = vmOf("heidi", "pb-outside", "127.0.0.2");
        String halted = vms.halted("pb-halted");
        grant(halted, "heidi");
        try (ServerSocketChannel trap = ServerSocketChannel.open()) {
            // where SSH to the outside guest would land: any connection would wait here to be accepted
            trap.bind(new InetSocketAddress("127.0.0.2", sshd.port()));
            trap.configureBlocking(false);

            JsonPath refused = as(heidi).body(Map.of("playbook", "fail", "vms", List.of(outside, halted)))
                    .post("/executeplaybook").then().statusCode(400).extract().jsonPath();
            assertThat(refused.getList("warnings.notallowed", String.class)).containsExactly(outside);
            assertThat(refused.getList("warnings.notconnected", String.class)).containsExactly(halted);

            JsonPath started = as(heidi).body(Map.of("playbook", "fail", "vms", List.of(inside, outside)))
                    .post("/executeplaybook").then().statusCode(200).extract().jsonPath();
            assertThat(started.getList("warnings.notallowed", String.class)).containsExactly(outside);
            String task = started.getString("task");
            TaskStatusView.Playbook done = finished(task, "heidi");
            assertThat(done.message()).contains("notallowed").contains(outside);
            String stdout = Files.readString(sshd.logs().resolve(task).resolve("stdout"));
            assertThat(stdout).contains(inside).doesNotContain(outside);
            assertThat(trap.accept()).as("nothing connected to the outside guest").isNull();
        }
    }

    @Test
    void workingDirectoriesLeftByACrashAreRemoved() throws Exception {
        Path leftover = sshd.work().resolve("run-" + UUID.randomUUID());
        Files.createDirectories(leftover.resolve("roles"));
        Files.writeString(leftover.resolve("roles").resolve("main.yml"), "---\n");
        // what a start does, before this replica holds any run
        workspaces.removeLeftovers(registry.unfinishedElsewhere());
        assertThat(leftover).doesNotExist();
    }

    @Test
    void runsWhoseReplicaStoppedAreMarkedFailed() {
        // a run this node held before a restart: its row exists, but this process does not run it
        String task = tasks.createTask(TaskKind.PLAYBOOK, "users/ivan", null);
        tasks.update(task, TaskState.RUNNING, null, "ansible-playbook is running");
        registry.register(task, "fail");
        TaskStatusView.Playbook done = finished(task, "ivan");
        assertThat(done.state()).isEqualTo("failure");
        assertThat(done.returncode()).isNull();
        assertThat(done.message()).contains("interrupted");
    }

    @Test
    void aRunEndsOnce() {
        // another replica marked the run interrupted (this replica's heartbeat had stopped), then this replica sees its
        // ansible-playbook exit: the first end stands (deploy's PlaybookReplicasIT does it with two processes)
        String task = tasks.createTask(TaskKind.PLAYBOOK, "users/ivan", null);
        tasks.update(task, TaskState.RUNNING, null, "ansible-playbook is running");
        assertThat(tasks.failIfUnfinished(task, List.of("PLAYBOOK_INTERRUPTED"), "the run was interrupted")).isTrue();
        assertThat(tasks.finishPlaybook(task, 0, "ansible-playbook finished")).isFalse();
        TaskStatusView.Playbook done = finished(task, "ivan");
        assertThat(done.state()).isEqualTo("failure");
        assertThat(done.returncode()).isNull();
        assertThat(done.message()).isEqualTo("the run was interrupted");
    }

    private static String passwdHome(String user) throws Exception {
        String line = passwdLine(user);
        assertThat(line).as("user " + user + " exists").isNotEmpty();
        return line.split(":")[5];
    }

    private static String passwdLine(String user) throws Exception {
        Process getent = new ProcessBuilder("getent", "passwd", user).start();
        String out = new String(getent.getInputStream().readAllBytes()).trim();
        getent.waitFor();
        return out;
    }
}
