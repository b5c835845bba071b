package org.vmemperor.common.xenapi;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vmemperor.common.error.ApiException;

/**
 * Every object of the pool that VMEmperor reads, kept current by {@link EventFeed}. Lists, infos and access checks are
 * answered from here, never by a XenAPI round trip per request. Reads are lock-free; the feed is the only writer.
 */
@ApplicationScoped
public class XenObjectCache {

    private static final Logger LOG = Logger.getLogger(XenObjectCache.class);

    private final Map<XenClass, Map<String, XenObject>> byRef = new EnumMap<>(XenClass.class);
    private final Map<XenClass, Map<String, String>> refByUuid = new EnumMap<>(XenClass.class);
    private final List<CacheListener> listeners = new CopyOnWriteArrayList<>();
    private final Object changed = new Object();
    /** Moved after the maps by every change, so that whoever reads a version sees at least that version's objects. */
    private final AtomicLong version = new AtomicLong();

    private volatile boolean loaded;
    private volatile boolean connected;
    private volatile String unavailableReason = "the pool's objects are not loaded yet";
    private volatile Instant lastLoad;

    public XenObjectCache() {
        for (XenClass type : XenClass.values()) {
            byRef.put(type, new ConcurrentHashMap<>());
            refByUuid.put(type, new ConcurrentHashMap<>());
        }
    }

    /**
     * A number that grows with every change the cache applies: a view built from the objects of one version (read
     * before building it) is current for as long as the version stays the same.
     */
    public long version() {
        return version.get();
    }

    /** Whether the cache is loaded and the pool reachable: reads are trustworthy. */
    public boolean isReady() {
        return loaded && connected;
    }

    /** Why the cache is not ready ("" when it is). */
    public String unavailableReason() {
        return isReady() ? "" : unavailableReason;
    }

    public Optional<Instant> lastLoad() {
        return Optional.ofNullable(lastLoad);
    }

    /** Throws 503 (through {@link PoolUnavailableException}) unless the cache is ready. */
    public void requireReady() {
        if (!isReady()) {
            throw new PoolUnavailableException(unavailableReason);
        }
    }

    /** Every cached object of a class (a live view; ready or not). */
    public Collection<XenObject> all(XenClass type) {
        requireReady();
        return byRef.get(type).values();
    }

    public Optional<XenObject> byRef(XenClass type, String ref) {
        requireReady();
        return ref == null ? Optional.empty() : Optional.ofNullable(byRef.get(type).get(ref));
    }

    public Optional<XenObject> byUuid(XenClass type, String uuid) {
        requireReady();
        String ref = uuid == null ? null : refByUuid.get(type).get(uuid);
        return ref == null ? Optional.empty() : Optional.ofNullable(byRef.get(type).get(ref));
    }

    /**
     * The object with this UUID, or 400 shaped as the pool's own answer ({@code UUID_INVALID [class, uuid]}) so
     * clients see the same error whether or not the request reached the pool.
     */
    public XenObject requireByUuid(XenClass type, String uuid) {
        return byUuid(type, uuid).orElseThrow(() -> ApiException.unknownObject(type.wireName(), uuid,
                List.of("UUID_INVALID", type.eventName(), uuid)));
    }

    public int size(XenClass type) {
        return byRef.get(type).size();
    }

    /** Subscribes to the change feed; close the result to unsubscribe. */
    public AutoCloseable subscribe(CacheListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Waits until {@code condition} holds, re-checking after every batch of changes; for read-your-writes after a
     * call to the pool. Returns whether it held within the timeout.
     */
    public boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    changed.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    // --- written by EventFeed only ---

    void replaceAll(Map<XenClass, Map<String, XenObject>> snapshot) {
        List<CacheChange> changes = new ArrayList<>();
        for (XenClass type : XenClass.values()) {
            Map<String, XenObject> fresh = snapshot.getOrDefault(type, Map.of());
            for (String ref : List.copyOf(byRef.get(type).keySet())) {
                if (!fresh.containsKey(ref)) {
                    store(type, ref, null).ifPresent(changes::add);
                }
            }
            fresh.forEach((ref, object) -> store(type, ref, object).ifPresent(changes::add));
        }
        version.incrementAndGet();
        loaded = true;
        connected = true;
        lastLoad = Instant.now();
        changes.forEach(this::publish);
        listeners.forEach(listener -> notifySafely(listener::onResync));
        signal();
    }

    /** Applies one event: {@code object} null means the object is gone. */
    void apply(XenClass type, String ref, XenObject object) {
        store(type, ref, object).ifPresent(change -> {
            version.incrementAndGet();
            publish(change);
        });
    }

    private Optional<CacheChange> store(XenClass type, String ref, XenObject object) {
        Map<String, XenObject> objects = byRef.get(type);
        Map<String, String> uuids = refByUuid.get(type);
        if (object == null) {
            XenObject before = objects.remove(ref);
            if (before == null) {
                return Optional.empty();
            }
            uuids.remove(before.uuid(), ref);
            return Optional.of(new CacheChange(CacheChange.Operation.DEL, type, ref, before, null));
        }
        XenObject before = objects.put(ref, object);
        if (before != null && !before.uuid().equals(object.uuid())) {
            uuids.remove(before.uuid(), ref);
        }
        uuids.put(object.uuid(), ref);
        if (before == null) {
            return Optional.of(new CacheChange(CacheChange.Operation.ADD, type, ref, null, object));
        }
        if (before.equals(object)) {
            return Optional.empty();
        }
        return Optional.of(new CacheChange(CacheChange.Operation.MOD, type, ref, before, object));
    }

    void connected() {
        connected = true;
    }

    void unavailable(String reason) {
        unavailableReason = reason;
        connected = false;
    }

    void signal() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    private void publish(CacheChange change) {
        for (CacheListener listener : listeners) {
            notifySafely(() -> listener.onChange(change));
        }
    }

    private static void notifySafely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.error("A cache listener failed; the cache goes on", e);
        }
    }
}
