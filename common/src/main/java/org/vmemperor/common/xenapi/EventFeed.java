package org.vmemperor.common.xenapi;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.xensource.xenapi.Event;
import com.xensource.xenapi.EventBatch;
import com.xensource.xenapi.Types;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps {@link XenObjectCache} equal to the pool: loads everything with {@code event.from("")}, then applies each
 * batch of events. EVENTS_LOST, a bad token or a reconnect start over with a full load, whose differences reach
 * subscribers as ordinary changes. While the pool is unreachable it retries with capped exponential back-off.
 */
@ApplicationScoped
public class EventFeed {

    private static final Logger LOG = Logger.getLogger(EventFeed.class);

    /** Every class the feed loads and follows (bench's RepeatedLoad loads the same). */
    static final Set<String> CLASSES;

    static {
        Set<String> classes = new LinkedHashSet<>();
        for (XenClass type : XenClass.values()) {
            classes.add(type.eventName());
        }
        CLASSES = Set.copyOf(classes);
    }

    private final XenApiConfig config;
    private final XenApi xenApi;
    private final XenObjectCache cache;
    private final JsonRpcLoader jsonRpc;
    private final XenApiMetrics metrics;
    private volatile Thread thread;
    private volatile boolean running;

    public EventFeed(XenApiConfig config, XenApi xenApi, XenObjectCache cache, XenApiMetrics metrics) {
        this.config = config;
        this.xenApi = xenApi;
        this.cache = cache;
        this.jsonRpc = new JsonRpcLoader(config);
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.url().isEmpty()) {
            cache.unavailable("no pool configured (vmemperor.xenapi.url)");
            LOG.warn("No pool configured (vmemperor.xenapi.url): requests that need the pool answer 503");
            return;
        }
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "xenapi-events");
        thread.setDaemon(true);
        thread.start();
    }

    synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread = null;
        }
    }

    private void run() {
        long backoffMillis = config.reconnectInitialDelay().toMillis();
        String token = null;
        double pollSeconds = config.eventPollTimeout().toMillis() / 1000.0;
        while (running) {
            try {
                if (token == null) {
                    token = loadEverything();
                }
                String from = token;
                EventBatch batch = xenApi.session().callEvents(c -> Event.from(c, CLASSES, from, pollSeconds));
                apply(batch);
                token = batch.token;
                backoffMillis = config.reconnectInitialDelay().toMillis();
            } catch (XenApiFailure failure) {
                if (!running) {
                    return;
                }
                String code = failure.code();
                if ("EVENTS_LOST".equals(code) || "EVENT_FROM_TOKEN_PARSE_FAILURE".equals(code)) {
                    LOG.warnf("event.from answered %s: reloading every object", code);
                    token = null;
                    continue;
                }
                LOG.warnf("event.from failed with %s; retrying in %d ms", failure.errorDescription(), backoffMillis);
                cache.unavailable("the pool refused to send events: " + code);
                token = null;
                backoffMillis = pause(backoffMillis);
            } catch (PoolUnavailableException e) {
                if (!running) {
                    // stopped while waiting on the pool: at shutdown the pool (or the simulator) may go first
                    return;
                }
                if (cache.isReady()) {
                    LOG.warnf("Lost the pool: %s", e.getMessage());
                }
                cache.unavailable(e.getMessage());
                xenApi.session().reset();
                token = null;
                backoffMillis = pause(backoffMillis);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.error("Unexpected failure in the event feed; reloading", e);
                cache.unavailable("event feed failure: " + e);
                token = null;
                backoffMillis = pause(backoffMillis);
            }
        }
    }

    private String loadEverything() {
        long started = System.nanoTime();
        XenApiConfig.InitialLoad how = config.initialLoad();
        if (how != XenApiConfig.InitialLoad.SDK) {
            JsonRpcLoader.Loaded loaded = how == XenApiConfig.InitialLoad.JSON_PER_CLASS
                    ? jsonRpc.perClass(xenApi.session(), CLASSES)
                    : jsonRpc.eventFrom(xenApi.session(), CLASSES);
            cache.replaceAll(loaded.objects());
            metrics.cacheLoaded(Duration.ofNanos(System.nanoTime() - started));
            LOG.infof("Loaded %d pool objects in %d ms (%s)", loaded.count(), (System.nanoTime() - started) / 1_000_000,
                    how);
            return loaded.token();
        }
        EventBatch batch = xenApi.session().callEvents(c -> Event.from(c, CLASSES, "", 0.0));
        Map<XenClass, Map<String, XenObject>> snapshot = new EnumMap<>(XenClass.class);
        int count = 0;
        for (Event.Record event : batch.events) {
            if (event.operation == Types.EventOperation.DEL || event.snapshot == null) {
                continue;
            }
            XenObject object = toObject(event);
            if (object != null) {
                snapshot.computeIfAbsent(object.type(), type -> new HashMap<>()).put(object.ref(), object);
                count++;
            }
        }
        cache.replaceAll(snapshot);
        metrics.cacheLoaded(Duration.ofNanos(System.nanoTime() - started));
        LOG.infof("Loaded %d pool objects in %d ms (%s)", count, (System.nanoTime() - started) / 1_000_000, how);
        return batch.token;
    }

    private void apply(EventBatch batch) {
        cache.connected();
        for (Event.Record event : batch.events) {
            XenClass type = XenClass.fromEventName(event.clazz).orElse(null);
            if (type == null) {
                continue;
            }
            metrics.eventApplied(event.timestamp);
            if (event.operation == Types.EventOperation.DEL) {
                cache.apply(type, event.ref, null);
            } else if (event.snapshot != null) {
                cache.apply(type, event.ref, toObject(event));
            }
        }
        cache.signal();
    }

    private static XenObject toObject(Event.Record event) {
        XenClass type = XenClass.fromEventName(event.clazz).orElse(null);
        if (type == null) {
            return null;
        }
        return new XenObject(type, event.ref, RecordSchema.of(type).typedFields(RecordConverter.fields(event.snapshot)));
    }

    private long pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        return Math.min(millis * 2, config.reconnectMaxDelay().toMillis());
    }
}
