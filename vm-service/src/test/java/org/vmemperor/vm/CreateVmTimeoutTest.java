package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.vm.CreateVmTest.awaitFinished;
import static org.vmemperor.vm.testing.Users.as;

import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

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
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.install.AutoinstallTokens;
import org.vmemperor.vm.install.IssuedToken;
import org.vmemperor.vm.testing.Users;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Installs that go wrong slowly, with shortened timeouts: an installer that cannot reach {@code vmemperor.public-url}
 * (/taskstatus says where it waits, then the install fails), one that never gets its file (failed after the fetch
 * timeout, its link withdrawn) and one that never powers off (failed after the install timeout).
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@TestProfile(CreateVmTimeoutTest.ShortFetchTimeout.class)
class CreateVmTimeoutTest {

    /** Nothing listens there: the installer's fetch is refused and it hangs, as with a wrong public URL. */
    static final String UNREACHABLE = "http://127.0.0.1:9";

    public static class ShortFetchTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the fetch timeout leaves the "waiting" message on /taskstatus long enough to be seen on a loaded machine
            return Map.of("vmemperor.install.fetch-timeout", "5s", "vmemperor.install.install-timeout", "8s",
                    "vmemperor.install.watch-interval", "1s", "vmemperor.public-url", UNREACHABLE);
        }
    }

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    TaskService tasks;
    @Inject
    AutoinstallTokens tokens;
    @Inject
    XenObjectCache cache;
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("autoinstall")
    URL autoinstall;

    @Test
    void anInstallerThatCannotReachThePublicUrlSaysWhereItWaits() {
        Users users = new Users(signer, rights);
        String alice = users.token("alice");
        String network = uuid("network", "Pool-wide network associated with eth0");
        users.grant(ObjectType.NETWORK, network, "alice", Action.ATTACH);
        String template = uuid("VM", "Debian Bookworm 12");
        @SuppressWarnings("unchecked")
        List<String> tags = (List<String>) simulator.pool().record("VM", template).get("tags");
        if (!tags.contains("vmemperor")) {
            simulator.pool().set("VM", template, "tags", List.of("vmemperor"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.byUuid(XenClass.VM, template)
                .map(vm -> vm.strings("tags").contains("vmemperor")).orElse(false));
        Map<String, Object> body = new HashMap<>();
        body.put("template", template);
        body.put("storage", uuid("SR", "Local storage"));
        body.put("network", network);
        body.put("vdi_size", 10_240);
        body.put("ram_size", 1024);
        body.put("name_label", "unreachable-public-url");
        body.put("hostname", "lost01");
        body.put("username", "alice");
        body.put("password", "plain-Secret-7");
        String task = as(alice).body(body).post("/createvm").then().statusCode(200).extract().jsonPath()
                .getString("task");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonPath status = as(alice).body(Map.of("task", task)).post("/taskstatus").then().statusCode(200)
                    .extract().jsonPath();
            assertThat(status.getString("state")).as(status.prettify()).isIn("pending", "cloned", "installing");
            String message = status.getString("message");
            return message != null && message.contains("waiting for the installer to fetch its answer file from "
                    + UNREACHABLE + "/autoinstall/...");
        });
        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("did not fetch its answer file from " + UNREACHABLE
                + "/autoinstall/... within");
    }

    @Test
    void anInstallerThatNeverFetchesItsFileFails() throws Exception {
        String task = tasks.createTask(TaskKind.CREATEVM, "users/alice", null);
        Connection c = new Connection(new URL(simulator.url()));
        Session.loginWithPassword(c, "root", PoolTestResource.ROOT_PASSWORD);
        VM vm = VM.getByNameLabel(c, "Debian Bookworm 12").iterator().next().createClone(c, "never-fetched");
        vm.provision(c);
        String uuid = vm.getUuid(c);
        IssuedToken token = tokens.issue(uuid, task, "never served");
        // the installer asks for another URL (as if vmemperor.public-url were wrong): 404, and it waits forever
        vm.setPVArgs(c, "auto=true preseed/url=" + autoinstall + "/" + "B".repeat(43));
        vm.start(c, false, true);
        Session.logout(c);
        tasks.setObjectUuid(task, uuid);
        tasks.update(task, TaskState.INSTALLING, 0.7, "installing");

        JsonPath done = awaitFinished(new Users(signer, rights).token("alice"), task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("did not fetch its answer file");
        assertThat(tokens.consume(token.token())).as("the link is withdrawn").isEmpty();
    }

    @Test
    void anInstallThatNeverPowersOffFails() throws Exception {
        String task = tasks.createTask(TaskKind.CREATEVM, "users/alice", null);
        Connection c = new Connection(new URL(simulator.url()));
        Session.loginWithPassword(c, "root", PoolTestResource.ROOT_PASSWORD);
        VM vm = VM.getByNameLabel(c, "Debian Bookworm 12").iterator().next().createClone(c, "never-ends");
        vm.provision(c);
        String uuid = vm.getUuid(c);
        // the answer file was fetched, but this installer hangs (its own fetch gets 404): the VM runs on and on
        IssuedToken token = tokens.issue(uuid, task, "fetched");
        assertThat(tokens.consume(token.token())).isPresent();
        vm.setPVArgs(c, "auto=true preseed/url=" + autoinstall + "/" + "C".repeat(43));
        vm.start(c, false, true);
        Session.logout(c);
        tasks.setObjectUuid(task, uuid);
        tasks.update(task, TaskState.INSTALLING, 0.7, "installing");

        JsonPath done = awaitFinished(new Users(signer, rights).token("alice"), task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("did not finish within");
        assertThat(simulator.pool().record("VM", uuid).get("power_state")).as("left for the user to inspect")
                .isEqualTo("Running");
    }

    private String uuid(String cls, String name) {
        return (String) simulator.pool().record(cls, simulator.pool().refByName(cls, name).orElseThrow()).get("uuid");
    }
}
