package org.vmemperor.common.task;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Task tracking. Every service reads the same keys (every service may start tasks). */
@ConfigMapping(prefix = "vmemperor.tasks")
public interface TaskConfig {

    /** How long a finished task row stays answerable by /taskstatus before it is deleted. */
    @WithDefault("7d")
    Duration retention();

    /**
     * How often the reconciler looks for unfinished rows whose XenAPI task already ended (missed events, restarts,
     * another replica's tasks) and for finished XenAPI tasks still to destroy on the pool.
     */
    @WithDefault("5s")
    Duration reconcileInterval();

    /**
     * How long a XenAPI-backed row may point at a task the cache has never seen before the pool is asked directly
     * (and the task declared lost if the pool does not know it either).
     */
    @WithDefault("30s")
    Duration lostTaskGrace();
}
