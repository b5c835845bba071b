package org.vmemperor.common.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What a request may weigh before any route runs. Each limit answers its status (414, 431, 413) with the API's JSON
 * error body. Vert.x' own codec limits ({@code quarkus.http.limits.max-initial-line-length} and
 * {@code max-header-size}, raised in common's defaults) sit above these and still answer with an empty body beyond
 * them: they only keep a connection's memory bounded.
 */
@ConfigMapping(prefix = "vmemperor.http")
public interface HttpLimitsConfig {

    /** Longest request target (path and query string) in characters: 414 beyond. */
    @WithDefault("8192")
    int maxUriLength();

    /** Largest sum of header names and values in characters: 431 beyond. */
    @WithDefault("16384")
    int maxHeaderSize();

    /** Largest body of a route that has no limit of its own in {@link RequestLimits}: 413 beyond. */
    @WithDefault("8K")
    MemorySize maxBodySize();

    /** Largest body of /createvm (install arguments, partition scheme). */
    @WithDefault("64K")
    MemorySize maxCreateVmBodySize();

    /** Largest body of /executeplaybook (playbook variables). */
    @WithDefault("256K")
    MemorySize maxPlaybookBodySize();
}
