package org.vmemperor.vm.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Bounds of the executor running multi-step operations (/createvm builds, /destroyvm with disks). Each operation may
 * block on XenAPI for up to a minute and a half, so the bounds say how much such work a replica takes on before it
 * answers 503 instead.
 */
@ConfigMapping(prefix = "vmemperor.workers")
public interface WorkersConfig {

    /** Operations running at once (one thread each). */
    @WithDefault("16")
    int maxConcurrent();

    /** Operations accepted beyond those, waiting for a thread; one more is refused with 503 and Retry-After. */
    @WithDefault("64")
    int maxQueued();

    /** The Retry-After (seconds) of that 503. */
    @WithDefault("10")
    int retryAfterSeconds();
}
