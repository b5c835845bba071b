package org.vmemperor.vm.install;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.simulator.installer.InstallerFetch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
class AutoinstallResourceTest {

    @InjectSimulator
    XapiSimulator simulator;

    @Inject
    AutoinstallTokens tokens;

    @Inject
    AnswerFiles answerFiles;

    @Inject
    UnattendedInstalls installs;

    @TestHTTPResource("autoinstall")
    URL autoinstall;

    @Test
    void servesTheFileOnceWithoutASession() {
        String task = UUID.randomUUID().toString();
        IssuedToken token = tokens.issue("vm-1", task, "d-i netcfg/get_hostname string once\n");
        assertEquals(43, token.token().length());
        assertEquals(Optional.empty(), tokens.fetchedAt(task));

        given().when().get("/autoinstall/" + token.token()).then().statusCode(200)
                .contentType(startsWith("text/plain")).header("Cache-Control", "no-store")
                .body(is("d-i netcfg/get_hostname string once\n"));
        assertTrue(tokens.fetchedAt(task).isPresent(), "the fetch is recorded for the install watcher");

        given().when().get("/autoinstall/" + token.token()).then().statusCode(404).body(emptyString());
        assertEquals(Optional.empty(), tokens.consume(token.token()));
    }

    @Test
    void concurrentFetchesGetTheFileOnce() throws Exception {
        IssuedToken token = tokens.issue("vm-5", "task-race", "raced file");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<String>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> tokens.consume(token.token())));
            }
            int served = 0;
            for (Future<Optional<String>> result : results) {
                served += result.get().isPresent() ? 1 : 0;
            }
            assertEquals(1, served);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void expiredTokensAreGone() {
        IssuedToken expired = tokens.issue("vm-2", "task-expired", "file", Instant.now().minusSeconds(1));
        given().when().get("/autoinstall/" + expired.token()).then().statusCode(404).body(emptyString());
        assertEquals(Optional.empty(), tokens.fetchedAt("task-expired"));
    }

    @Test
    void unknownAndMalformedTokensAre404() {
        String unknown = "A".repeat(43);
        given().when().get("/autoinstall/" + unknown).then().statusCode(404).body(emptyString());
        given().when().get("/autoinstall/short").then().statusCode(404).body(emptyString());
        given().when().get("/autoinstall/" + "A".repeat(42) + "%27").then().statusCode(404);
    }

    @Test
    void revokedTokensAreGone() {
        IssuedToken token = tokens.issue("vm-3", "task-revoked", "file");
        assertEquals(1, tokens.revoke("task-revoked"));
        given().when().get("/autoinstall/" + token.token()).then().statusCode(404);
    }

    @Test
    void preparesWithThePublicUrl() {
        ObjectNode body = InstallRequestTest.valid();
        InstallRequest request = InstallRequest.from(Args.of(body), new InstallTarget(OsKind.UBUNTU, "jammy"));
        PvArgs pv = installs.prepare(request, "vm-4", "task-prepare");
        // the test configuration leaves vmemperor.public-url unset: the default follows the port really served
        assertTrue(pv.commandLine().contains(" preseed/url=http://localhost:" + autoinstall.getPort() + "/autoinstall/"),
                pv.commandLine());
        String token = pv.commandLine().substring(pv.commandLine().lastIndexOf('/') + 1);
        given().when().get("/autoinstall/" + token).then().statusCode(200)
                .body(startsWith("#### VMEmperor unattended install: Ubuntu jammy"));
    }

    @Test
    void theSimulatorsInstallerFetchesItsPreseed() throws Exception {
        ObjectNode body = InstallRequestTest.valid();
        body.put("password", "plain-Secret-1");
        body.put("ip", "10.10.10.77");
        body.put("gateway", "10.10.10.1");
        body.put("netmask", "255.255.255.0");
        body.put("partition", "/-8192--/home-1024-");
        InstallRequest request = InstallRequest.from(Args.of(body), new InstallTarget(OsKind.DEBIAN, "bookworm"));
        String task = UUID.randomUUID().toString();

        Connection c = new Connection(new URL(simulator.url()));
        Session.loginWithPassword(c, "root", PoolTestResource.ROOT_PASSWORD);
        VM vm = VM.getByNameLabel(c, "Debian Bookworm 12").iterator().next().createClone(c, "install-test");
        vm.provision(c);
        String vmUuid = vm.getUuid(c);

        // rendered by the application's Qute engine this time
        String file = answerFiles.render(request);
        IssuedToken token = tokens.issue(vmUuid, task, file);
        PvArgs pv = PvArgs.of(request, answerFiles.mirror(request), answerFiles.domain(),
                autoinstall + "/" + token.token());
        assertFalse(pv.commandLine().contains("plain-Secret-1"));
        vm.setPVArgs(c, pv.commandLine());
        for (Map.Entry<String, String> entry : pv.otherConfig().entrySet()) {
            vm.removeFromOtherConfig(c, entry.getKey());
            vm.addToOtherConfig(c, entry.getKey(), entry.getValue());
        }
        vm.start(c, false, true);

        await().atMost(Duration.ofSeconds(20)).until(() -> !simulator.installerFetches(vmUuid).isEmpty());
        List<InstallerFetch> fetches = simulator.installerFetches(vmUuid);
        assertEquals(1, fetches.size());
        assertEquals(200, fetches.get(0).status());
        String served = fetches.get(0).body();
        assertEquals(file, served);
        assertTrue(served.contains("d-i netcfg/get_ipaddress string 10.10.10.77\n"), served);
        assertTrue(served.contains("d-i passwd/user-password-crypted password " + request.passwordHash()), served);
        assertFalse(served.contains("plain-Secret-1"));
        assertTrue(tokens.fetchedAt(task).isPresent(), "the token is marked used");

        // the simulated installer powers the VM off when done, ready to boot the installed system
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "Halted".equals(simulator.pool().record("VM", vmUuid).get("power_state")));
        assertEquals("pygrub", simulator.pool().record("VM", vmUuid).get("PV_bootloader"));
        given().when().get("/autoinstall/" + token.token()).then().statusCode(404);
        Session.logout(c);
    }
}
