package org.vmemperor.vm.service;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.task.TaskService;

import io.quarkus.logging.Log;

/**
 * Threads for multi-step operations that outlive their request (a task id is answered first). XenAPI calls block, so
 * they never run on the event loop. Bounded ({@link WorkersConfig}): when every thread is busy and the queue is full,
 * the request is refused with 503 and Retry-After rather than piling up threads. The work outlives its request, so the
 * request's CDI context and transaction are not propagated to it; every other context (the application's class loader,
 * ...) is.
 */
@ApplicationScoped
public class Workers {

    private final ManagedExecutor executor;
    private final TaskService tasks;
    private final int retryAfterSeconds;

    public Workers(WorkersConfig config, TaskService tasks) {
        this.executor = ManagedExecutor.builder()
                .maxAsync(config.maxConcurrent())
                .maxQueued(config.maxQueued())
                .propagated(ThreadContext.ALL_REMAINING)
                .cleared(ThreadContext.CDI, ThreadContext.TRANSACTION)
                .build();
        this.tasks = tasks;
        this.retryAfterSeconds = config.retryAfterSeconds();
    }

    /**
     * Runs the work of an already recorded task. When no thread nor queue slot is free the task is ended as failed
     * (its id was never answered, but the row must not stay pending) and a 503 is thrown.
     */
    public void run(String task, Runnable work) {
        try {
            executor.execute(work);
        } catch (RejectedExecutionException full) {
            Log.warnf("Refusing an operation: %s", full.getMessage());
            tasks.fail(task, null, List.of("SERVICE_BUSY"), "refused: too many operations underway");
            throw ApiException.unavailable("too many operations underway on this replica; retry later",
                    retryAfterSeconds);
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdown();
    }
}
