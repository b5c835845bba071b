package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmemperor.vm.CreateVmTest.awaitFinished;

import java.net.URL;
import java.util.LinkedHashSet;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.install.AutoinstallTokens;
import org.vmemperor.vm.install.IssuedToken;
import org.vmemperor.vm.testing.PublicUrlResource;
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
 * Installs that go wrong slowly, with shortened timeouts: an installer that never gets its file (failed after the fetch
 * timeout, its link withdrawn) and one that never powers off (failed after the install timeout).
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(PublicUrlResource.class)
@TestProfile(CreateVmTimeoutTest.ShortFetchTimeout.class)
class CreateVmTimeoutTest {

    public static class ShortFetchTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vmemperor.install.fetch-timeout", "2s", "vmemperor.install.install-timeout", "4s");
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
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("autoinstall")
    URL autoinstall;

    @Test
    void anInstallerThatNeverFetchesItsFileFails() throws Exception {
        String task = tasks.createTask("createvm", "users/alice", null);
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
        tasks.update(task, "installing", 0.7, "installing");

        JsonPath done = awaitFinished(new Users(signer, rights).token("alice"), task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("did not fetch its answer file");
        assertThat(tokens.consume(token.token())).as("the link is withdrawn").isEmpty();
    }

    @Test
    void anInstallThatNeverPowersOffFails() throws Exception {
        String task = tasks.createTask("createvm", "users/alice", null);
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
        tasks.update(task, "installing", 0.7, "installing");

        JsonPath done = awaitFinished(new Users(signer, rights).token("alice"), task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("did not finish within");
        assertThat(simulator.pool().record("VM", uuid).get("power_state")).as("left for the user to inspect")
                .isEqualTo("Running");
    }
}
