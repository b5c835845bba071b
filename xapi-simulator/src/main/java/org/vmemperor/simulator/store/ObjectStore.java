package org.vmemperor.simulator.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.vmemperor.simulator.event.EventLog;
import org.vmemperor.simulator.rpc.XapiError;

/**
 * Every object of the pool, by class and ref. One monitor (this object) guards all state: an operation that
 * touches several objects runs inside {@link #atomically(Supplier)} and no client ever sees half of it. Every
 * change is appended to the event log inside the same critical section, so events and state never disagree.
 */
public final class ObjectStore {
    public static final String NULL_REF = "OpaqueRef:NULL";

    private final ClassRegistry registry;
    private final EventLog events;
    private final Map<String, Map<String, Map<String, Object>>> tables = new LinkedHashMap<>();
    private final Map<String, String> classOfRef = new HashMap<>();
    private final Map<String, String> refOfUuid = new HashMap<>();

    public ObjectStore(ClassRegistry registry, EventLog events) {
        this.registry = registry;
        this.events = events;
        for (ClassSchema schema : registry.all()) {
            tables.put(schema.name(), new LinkedHashMap<>());
        }
    }

    public ClassRegistry registry() {
        return registry;
    }

    public EventLog events() {
        return events;
    }

    public synchronized <T> T atomically(Supplier<T> work) {
        return work.get();
    }

    public synchronized void atomically(Runnable work) {
        work.run();
    }

    public static String newRef() {
        return "OpaqueRef:" + UUID.randomUUID();
    }

    public static boolean isNull(String ref) {
        return ref == null || ref.isEmpty() || NULL_REF.equals(ref);
    }

    /** Creates an object with every schema field; given fields are coerced to their wire types. */
    public synchronized String create(String cls, Map<String, ?> fields) {
        return create(cls, newRef(), fields);
    }

    public synchronized String create(String cls, String ref, Map<String, ?> fields) {
        ClassSchema schema = registry.get(cls);
        Map<String, Object> record = schema.newRecord();
        fields.forEach((field, value) -> {
            if (schema.hasField(field)) {
                record.put(field, schema.coerce(field, value));
            }
        });
        if (schema.hasField("uuid") && record.get("uuid").toString().isEmpty()) {
            record.put("uuid", UUID.randomUUID().toString());
        }
        tables.get(cls).put(ref, record);
        classOfRef.put(ref, cls);
        if (schema.hasField("uuid")) {
            refOfUuid.put(cls + "/" + record.get("uuid"), ref);
        }
        if (registry.emitsEvents(cls)) {
            events.append(cls, ref, EventLog.Op.ADD);
        }
        return ref;
    }

    public synchronized boolean exists(String cls, String ref) {
        return ref != null && tables.get(cls).containsKey(ref);
    }

    public synchronized Optional<String> classOf(String ref) {
        return Optional.ofNullable(classOfRef.get(ref));
    }

    /** The live record: callers inside the monitor may read it, never keep or change it. */
    public synchronized Map<String, Object> live(String cls, String ref) {
        Map<String, Object> record = ref == null ? null : tables.get(cls).get(ref);
        if (record == null) {
            throw XapiError.handleInvalid(cls, ref);
        }
        return record;
    }

    /** A deep copy, safe to hand out or serialise later. */
    @SuppressWarnings("unchecked")
    public synchronized Map<String, Object> snapshot(String cls, String ref) {
        return (Map<String, Object>) ClassSchema.copy(live(cls, ref));
    }

    public synchronized Object get(String cls, String ref, String field) {
        return ClassSchema.copy(live(cls, ref).get(field));
    }

    public synchronized String str(String cls, String ref, String field) {
        return String.valueOf(live(cls, ref).get(field));
    }

    public synchronized long num(String cls, String ref, String field) {
        Object value = live(cls, ref).get(field);
        return value instanceof Number n ? n.longValue() : 0L;
    }

    public synchronized boolean bool(String cls, String ref, String field) {
        return Boolean.TRUE.equals(live(cls, ref).get(field));
    }

    @SuppressWarnings("unchecked")
    public synchronized List<String> refList(String cls, String ref, String field) {
        Object value = live(cls, ref).get(field);
        List<String> result = new ArrayList<>();
        if (value instanceof List<?> list) {
            ((List<Object>) list).forEach(item -> result.add(String.valueOf(item)));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    public synchronized Map<String, Object> map(String cls, String ref, String field) {
        Object value = live(cls, ref).get(field);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) ClassSchema.copy(m) : new LinkedHashMap<>();
    }

    public synchronized void set(String cls, String ref, String field, Object value) {
        ClassSchema schema = registry.get(cls);
        if (!schema.hasField(field)) {
            throw new IllegalArgumentException(cls + " has no field " + field);
        }
        Map<String, Object> record = live(cls, ref);
        Object coerced = schema.coerce(field, value);
        if (coerced.equals(record.get(field))) {
            return;
        }
        if ("uuid".equals(field)) {
            refOfUuid.remove(cls + "/" + record.get("uuid"));
            refOfUuid.put(cls + "/" + coerced, ref);
        }
        record.put(field, coerced);
        changed(cls, ref);
    }

    public synchronized void update(String cls, String ref, Map<String, ?> changes) {
        changes.forEach((field, value) -> set(cls, ref, field, value));
    }

    // the collection helpers change the live list or map in place: copying it per change would make building
    // a 10,000-VM pool quadratic (SR.VDIs, host.resident_VMs, network.VIFs grow by one per VM)

    public synchronized void addToList(String cls, String ref, String field, String item) {
        List<Object> list = liveList(cls, ref, field);
        if (!list.contains(item)) {
            list.add(item);
            changed(cls, ref);
        }
    }

    public synchronized void removeFromList(String cls, String ref, String field, String item) {
        if (liveList(cls, ref, field).remove(item)) {
            changed(cls, ref);
        }
    }

    public synchronized void putInMap(String cls, String ref, String field, String key, Object value) {
        Object normalised = ClassSchema.normalise(value);
        Object previous = liveMap(cls, ref, field).put(key, normalised);
        if (!normalised.equals(previous)) {
            changed(cls, ref);
        }
    }

    public synchronized void removeFromMap(String cls, String ref, String field, String key) {
        if (liveMap(cls, ref, field).remove(key) != null) {
            changed(cls, ref);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> liveList(String cls, String ref, String field) {
        Map<String, Object> record = live(cls, ref);
        if (!(record.get(field) instanceof List<?>)) {
            throw new IllegalArgumentException(cls + "." + field + " is not a set");
        }
        return (List<Object>) record.get(field);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> liveMap(String cls, String ref, String field) {
        Map<String, Object> record = live(cls, ref);
        if (!(record.get(field) instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(cls + "." + field + " is not a map");
        }
        return (Map<String, Object>) record.get(field);
    }

    public synchronized void destroy(String cls, String ref) {
        Map<String, Object> record = live(cls, ref);
        tables.get(cls).remove(ref);
        classOfRef.remove(ref);
        if (record.containsKey("uuid")) {
            refOfUuid.remove(cls + "/" + record.get("uuid"));
        }
        if (registry.emitsEvents(cls)) {
            events.append(cls, ref, EventLog.Op.DEL);
        }
    }

    /** Records a change made outside {@link #set}, e.g. by event.inject. */
    public synchronized void changed(String cls, String ref) {
        if (registry.emitsEvents(cls)) {
            events.append(cls, ref, EventLog.Op.MOD);
        }
    }

    public synchronized String refOfUuid(String cls, String uuid) {
        String ref = refOfUuid.get(cls + "/" + uuid);
        if (ref == null) {
            throw XapiError.uuidInvalid(cls, uuid);
        }
        return ref;
    }

    public synchronized Optional<String> findByUuid(String cls, String uuid) {
        return Optional.ofNullable(refOfUuid.get(cls + "/" + uuid));
    }

    public synchronized List<String> refs(String cls) {
        return new ArrayList<>(tables.get(cls).keySet());
    }

    public synchronized int count(String cls) {
        return tables.get(cls).size();
    }

    /** The first object of a class whose field equals the value, e.g. the SR named "Local storage". */
    public synchronized Optional<String> findBy(String cls, String field, Object value) {
        return tables.get(cls).entrySet().stream().filter(e -> value.equals(e.getValue().get(field)))
                .map(Map.Entry::getKey).findFirst();
    }

    public synchronized List<String> findAllBy(String cls, String field, Object value) {
        return tables.get(cls).entrySet().stream().filter(e -> value.equals(e.getValue().get(field)))
                .map(Map.Entry::getKey).toList();
    }

    /** Drops every object of a class without events, e.g. the sessions on a toolstack restart. */
    public synchronized void clear(String cls) {
        for (String ref : refs(cls)) {
            Map<String, Object> record = tables.get(cls).remove(ref);
            classOfRef.remove(ref);
            refOfUuid.remove(cls + "/" + record.get("uuid"));
        }
    }
}
