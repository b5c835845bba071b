package org.vmemperor.simulator.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.vmemperor.simulator.rpc.I4;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.store.ClassSchema;
import org.vmemperor.simulator.store.ObjectStore;

/**
 * event.from and event.inject. A waiting event.from holds no thread: it is a future completed by a timer, either
 * one batch window after a matching change (so bursts coalesce) or at its timeout with no events.
 */
public final class EventService {
    private final ObjectStore store;
    private final ScheduledExecutorService timers;
    private final Duration batchWindow;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

    public EventService(ObjectStore store, ScheduledExecutorService timers, Duration batchWindow) {
        this.store = store;
        this.timers = timers;
        this.batchWindow = batchWindow;
        store.events().onAppend(this::armMatching);
    }

    /** A subscription: "*", a class, or one object ("vm/OpaqueRef:..."); case-insensitive. */
    private record Filter(List<String> classes) {
        static Filter of(List<String> raw) {
            return new Filter(raw.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList());
        }

        boolean matches(String cls, String ref) {
            String c = cls.toLowerCase(Locale.ROOT);
            for (String wanted : classes) {
                if ("*".equals(wanted) || wanted.equals(c) || wanted.equals(c + "/" + ref.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
            return false;
        }
    }

    private final class Waiter {
        final Filter filter;
        final long since;
        final CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;
        volatile boolean armed;

        Waiter(Filter filter, long since) {
            this.filter = filter;
            this.since = since;
        }

        /** Runs one batch window after a matching change; re-waits if everything coalesced away. */
        void deliver() {
            Map<String, Object> batch = store.atomically(() -> {
                armed = false;
                Map<String, Object> b = collect(filter, since);
                return ((List<?>) b.get("events")).isEmpty() ? null : b;
            });
            if (batch != null && waiters.remove(this)) {
                timeout.cancel(false);
                result.complete(batch);
            }
        }

        void expire() {
            if (waiters.remove(this)) {
                result.complete(store.atomically(() -> collect(filter, since)));
            }
        }
    }

    public CompletableFuture<Map<String, Object>> from(List<String> classes, String token, double timeoutSeconds) {
        Filter filter = Filter.of(classes);
        if (token.isEmpty()) {
            return CompletableFuture.completedFuture(store.atomically(() -> everything(filter)));
        }
        long since = parseToken(token);
        return store.atomically(() -> {
            Map<String, Object> batch = collect(filter, since);
            if (!((List<?>) batch.get("events")).isEmpty()) {
                return CompletableFuture.completedFuture(batch);
            }
            Waiter waiter = new Waiter(filter, since);
            waiters.add(waiter);
            long millis = (long) Math.max(0, timeoutSeconds * 1000);
            waiter.timeout = timers.schedule(waiter::expire, millis, TimeUnit.MILLISECONDS);
            return waiter.result;
        });
    }

    /** Marks the object changed and returns a token that already includes that change. */
    public String inject(String cls, String ref) {
        return store.atomically(() -> {
            store.live(cls, ref);
            store.changed(cls, ref);
            return token(store.events().lastId());
        });
    }

    /** Forgets the waiting long polls, e.g. when the server stops and their connections are gone. */
    public void dropWaiters() {
        for (Waiter waiter : List.copyOf(waiters)) {
            if (waiters.remove(waiter)) {
                waiter.timeout.cancel(false);
                waiter.result.cancel(false);
            }
        }
    }

    public int waiting() {
        return waiters.size();
    }

    private void armMatching(EventLog.Entry entry) {
        for (Waiter waiter : waiters) {
            if (!waiter.armed && waiter.filter.matches(entry.cls(), entry.ref())) {
                waiter.armed = true;
                timers.schedule(waiter::deliver, batchWindow.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    public static String token(long id) {
        return String.format(Locale.ROOT, "%020d,%020d", id, 0L);
    }

    static long parseToken(String token) {
        String first = token.split(",", -1)[0].trim();
        try {
            long id = Long.parseLong(first);
            if (id < 0) {
                throw new NumberFormatException(token);
            }
            return id;
        } catch (NumberFormatException garbage) {
            throw new XapiError("EVENT_FROM_TOKEN_PARSE_FAILURE", token);
        }
    }

    /** One event per changed object since the token, carrying its latest snapshot. Caller holds the store. */
    private Map<String, Object> collect(Filter filter, long since) {
        List<EventLog.Entry> entries = store.events().since(since);
        Map<String, EventLog.Entry> first = new LinkedHashMap<>();
        Map<String, EventLog.Entry> last = new LinkedHashMap<>();
        for (EventLog.Entry entry : entries) {
            if (filter.matches(entry.cls(), entry.ref())) {
                first.putIfAbsent(entry.ref(), entry);
                last.remove(entry.ref());
                last.put(entry.ref(), entry);
            }
        }
        List<Object> events = new ArrayList<>();
        for (EventLog.Entry latest : last.values()) {
            boolean created = first.get(latest.ref()).op() == EventLog.Op.ADD;
            boolean gone = latest.op() == EventLog.Op.DEL || !store.exists(latest.cls(), latest.ref());
            if (gone && created) {
                continue;
            }
            EventLog.Op op = gone ? EventLog.Op.DEL : created ? EventLog.Op.ADD : EventLog.Op.MOD;
            events.add(event(latest, op, gone ? null : store.snapshot(latest.cls(), latest.ref())));
        }
        return batch(events, store.events().lastId());
    }

    private Map<String, Object> everything(Filter filter) {
        long id = store.events().lastId();
        List<Object> events = new ArrayList<>();
        for (ClassSchema schema : store.registry().all()) {
            if (!store.registry().emitsEvents(schema.name())) {
                continue;
            }
            for (String ref : store.refs(schema.name())) {
                if (filter.matches(schema.name(), ref)) {
                    EventLog.Entry entry = new EventLog.Entry(id, schema.name(), ref, EventLog.Op.ADD,
                            java.time.Instant.now());
                    events.add(event(entry, EventLog.Op.ADD, store.snapshot(schema.name(), ref)));
                }
            }
        }
        return batch(events, id);
    }

    private Map<String, Object> event(EventLog.Entry entry, EventLog.Op op, Map<String, Object> snapshot) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", entry.id());
        event.put("timestamp", entry.timestamp());
        event.put("class", entry.cls().toLowerCase(Locale.ROOT));
        event.put("operation", op.wire());
        event.put("ref", entry.ref());
        if (snapshot != null) {
            event.put("snapshot", snapshot);
            Object uuid = snapshot.get("uuid");
            if (uuid != null) {
                event.put("obj_uuid", uuid);
            }
        }
        return event;
    }

    private Map<String, Object> batch(List<Object> events, long lastId) {
        Map<String, Object> counts = new LinkedHashMap<>();
        for (ClassSchema schema : store.registry().all()) {
            if (store.registry().emitsEvents(schema.name())) {
                counts.put(schema.name(), new I4(store.count(schema.name())));
            }
        }
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("events", events);
        batch.put("valid_ref_counts", counts);
        batch.put("token", token(lastId));
        return batch;
    }
}
