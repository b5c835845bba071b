package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.vmemperor.vm.testing.Users.as;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.service.Workers;
import org.vmemperor.vm.testing.TestPool;
import org.vmemperor.vm.testing.Users;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The workers of multi-step operations are bounded: with one thread busy and one operation queued (the profile's
 * limits), the next operation is refused with 503 and Retry-After, and does nothing to the pool.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@TestProfile(WorkersLimitTest.OneWorkerOneQueued.class)
class WorkersLimitTest {

    public static class OneWorkerOneQueued implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vmemperor.workers.max-concurrent", "1", "vmemperor.workers.max-queued", "1",
                    "vmemperor.workers.retry-after-seconds", "7");
        }
    }

    @Inject
    Workers workers;
    @Inject
    TaskService tasks;
    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @InjectSimulator
    XapiSimulator simulator;

    @Test
    void aFullExecutorAnswers503AndLeavesThePoolAlone() throws Exception {
        Users users = new Users(signer, rights);
        String admin = users.adminToken();
        String uuid = new TestPool(simulator).newHaltedVm("busy-vm");
        await().atMost(Duration.ofSeconds(60)).until(
                () -> as(admin).body(Map.of("uuid", uuid)).post("/vminfo").then().extract().statusCode() == 200);

        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Runnable held = () -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        };
        workers.run(tasks.createTask(TaskKind.DESTROYVM, "users/test", null), held); // runs
        workers.run(tasks.createTask(TaskKind.DESTROYVM, "users/test", null), held); // queued
        try {
            as(admin).body(Map.of("uuid", uuid, "destroy_disks", true)).post("/destroyvm").then().statusCode(503)
                    .header("Retry-After", "7")
                    .body("status", is("unavailable"))
                    .body("message", notNullValue());
        } finally {
            release.countDown();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> ran.get() == 2);
        // the refused destroy never reached the pool
        as(admin).body(Map.of("uuid", uuid)).post("/vminfo").then().statusCode(200).body("uuid", is(uuid));
        assertThat(new TestPool(simulator).vm(uuid)).isNotNull();
    }
}
