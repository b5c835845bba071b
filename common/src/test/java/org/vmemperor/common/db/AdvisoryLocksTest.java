package org.vmemperor.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.PoolTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The advisory locks on the test's PostgreSQL: a held lock turns a try away and makes a waiter wait, until released. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class AdvisoryLocksTest {

    @Inject
    AdvisoryLocks locks;

    @Test
    void aHeldLockTurnsTriesAwayAndHoldsWaitersUntilItIsReleased() throws Exception {
        // threads of their own: the common pool may have a single one on a small machine
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> locks.withLock("test-lock", () -> {
            held.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "held";
        }), threads);
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(locks.tryWithLock("test-lock", () -> "taken")).isEmpty();
        // another key is another lock
        assertThat(locks.tryWithLock("test-lock-2", () -> "taken")).contains("taken");
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> locks.withLock("test-lock", () -> "mine"),
                threads);
        assertThat(waiter).isNotDone();

        release.countDown();
        assertThat(holder.get(30, TimeUnit.SECONDS)).isEqualTo("held");
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo("mine");
        assertThat(locks.tryWithLock("test-lock", () -> "taken")).contains("taken");
        threads.shutdown();
    }
}
