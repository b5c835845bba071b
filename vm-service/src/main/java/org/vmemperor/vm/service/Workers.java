package org.vmemperor.vm.service;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Threads for multi-step operations that outlive their request (a task id is answered first). XenAPI calls block, so
 * they never run on the event loop.
 */
@ApplicationScoped
public class Workers {

    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "vm-worker");
        thread.setDaemon(true);
        return thread;
    });

    public void run(Runnable work) {
        executor.execute(work);
    }

    @PreDestroy
    void stop() {
        executor.shutdown();
    }
}
