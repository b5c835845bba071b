package org.vmemperor.common.xenapi;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.metrics.Gauges;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the pool connection shows on {@code /q/metrics}: the cache's object counts and load time, how far behind the
 * pool its events arrive, and the latency and outcome of every XenAPI call.
 */
@ApplicationScoped
public class XenApiMetrics {

    /** Connection tag of ordinary SDK calls. */
    static final String CALLS = "calls";
    /** Connection tag of the event.from long polls. */
    static final String EVENTS = "events";
    /** Connection tag of the JSON-RPC calls of the initial load. */
    static final String JSON_RPC = "jsonrpc";
    /** Outcome tag of a call the pool answered. */
    static final String SUCCESS = "success";
    /** Outcome tag of a call that never got an answer. */
    static final String UNREACHABLE = "unreachable";

    private final MeterRegistry registry;
    private final Timer cacheLoad;
    private final Timer eventLag;

    public XenApiMetrics(MeterRegistry registry, XenObjectCache cache) {
        this.registry = registry;
        for (XenClass type : XenClass.values()) {
            Gauges.registerFresh(registry, Gauge.builder("vmemperor.cache.objects", cache, c -> c.size(type))
                    .description("objects of a XenAPI class in the cache")
                    .tag("class", type.wireName()));
        }
        this.cacheLoad = Timer.builder("vmemperor.cache.load")
                .description("full loads of the pool into the cache (at start and after a reconnect or EVENTS_LOST)")
                .register(registry);
        this.eventLag = Timer.builder("vmemperor.events.lag")
                .description("from an event's timestamp on the pool to its application to the cache")
                .register(registry);
    }

    void cacheLoaded(Duration took) {
        cacheLoad.record(took);
    }

    /** An event applied now that the pool stamped at {@code timestamp} (null when the pool sent none). */
    void eventApplied(Date timestamp) {
        if (timestamp != null) {
            Duration lag = Duration.between(timestamp.toInstant(), Instant.now());
            eventLag.record(lag.isNegative() ? Duration.ZERO : lag);
        }
    }

    /**
     * One XenAPI round trip and its outcome: {@value #SUCCESS}, {@value #UNREACHABLE}, or the XenAPI error code the
     * pool answered (SESSION_INVALID, HANDLE_INVALID, ...).
     */
    void call(Duration took, String connection, String outcome) {
        Timer.builder("vmemperor.xenapi.calls")
                .description("XenAPI calls by connection (events: event.from long polls; jsonrpc: the initial load) "
                        + "and outcome")
                .tag("connection", connection)
                .tag("outcome", outcome)
                .register(registry)
                .record(took);
    }
}
