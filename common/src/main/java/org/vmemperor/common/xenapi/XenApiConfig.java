package org.vmemperor.common.xenapi;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How to reach the pool. Every service reads the same keys. */
@ConfigMapping(prefix = "vmemperor.xenapi")
public interface XenApiConfig {

    /**
     * The pool master's XenAPI URL, e.g. {@code https://pool-master.example/}. Without it the service has no pool:
     * requests that need one answer 503 (the standalone starts a simulator instead).
     */
    Optional<String> url();

    /** The service account VMEmperor acts as on the pool. */
    @WithDefault("root")
    String username();

    /** The service account's password (the standalone's simulator uses it as its root password). */
    @WithDefault("vmemperor")
    String password();

    /** TCP connect timeout for XenAPI calls. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long one ordinary XenAPI call may take before it is abandoned. */
    @WithDefault("60s")
    Duration replyTimeout();

    /** How long one event.from long poll waits for events before returning empty. */
    @WithDefault("30s")
    Duration eventPollTimeout();

    /** First delay before reconnecting to an unreachable pool; doubled on each failure. */
    @WithDefault("200ms")
    Duration reconnectInitialDelay();

    /**
     * Cap of the reconnect back-off. Short: reads answer 503 until the feed is back, and a reconnect attempt on a
     * pool that is away costs one refused TCP connection (with 10 s the suite took 10 s to recover from a 4 s pool
     * restart).
     */
    @WithDefault("1s")
    Duration reconnectMaxDelay();

    /**
     * How the pool is loaded at start and after EVENTS_LOST: {@code json-per-class} (every class's
     * {@code get_all_records} over JSON-RPC in parallel, then events from a token taken before, as Xen Orchestra's
     * client does), {@code json-event-from} (one {@code event.from} over JSON-RPC, read as it streams) or {@code sdk}
     * (the SDK's XML-RPC {@code event.from}, several times slower and larger at 10,000 VMs). Later events always come
     * through the SDK. Per class is the default: one class's answer is read while the pool builds the next, so at
     * 10,000 VMs it loads in 3.8-4.2 s against 4.4-8.0 s for one {@code event.from}, with the same heap in use once its
     * loads share their strings (bench/README.md).
     */
    @WithDefault("json-per-class")
    InitialLoad initialLoad();

    /** See {@link #initialLoad()}. */
    enum InitialLoad {
        JSON_EVENT_FROM,
        JSON_PER_CLASS,
        SDK
    }
}
