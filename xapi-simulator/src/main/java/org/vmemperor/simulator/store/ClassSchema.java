package org.vmemperor.simulator.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.vmemperor.simulator.rpc.WireTime;

import com.xensource.xenapi.XenAPIObject;

/**
 * The fields of one XenAPI class as the 8.1 SDK knows them, with typed defaults, so every record the simulator
 * sends carries every field the SDK reads.
 */
public final class ClassSchema {
    private final String name;
    private final Map<String, Object> defaults;
    private final Map<String, FieldKind> kinds;
    private final Map<String, Set<String>> enumValues;
    private final Set<String> writable;
    private final boolean listed;

    /**
     * @param name the wire name, e.g. {@code VM}
     * @param sdkDefaults the SDK's {@code new X.Record().toMap()}
     * @param writable the fields a set_ method may change
     * @param listed whether get_all / get_all_records exist (not for session)
     */
    public ClassSchema(String name, Map<String, Object> sdkDefaults, Set<String> writable, boolean listed) {
        this.name = name;
        this.listed = listed;
        Map<String, Object> d = new TreeMap<>();
        Map<String, FieldKind> k = new TreeMap<>();
        Map<String, Set<String>> e = new TreeMap<>();
        for (Map.Entry<String, Object> field : sdkDefaults.entrySet()) {
            Object raw = field.getValue();
            if (raw instanceof Enum<?> constant) {
                e.put(field.getKey(), enumWireValues(constant));
            }
            Object value = normalise(raw);
            d.put(field.getKey(), value);
            k.put(field.getKey(), kindOf(value));
        }
        this.defaults = Map.copyOf(d);
        this.kinds = Map.copyOf(k);
        this.enumValues = Map.copyOf(e);
        Set<String> w = new LinkedHashSet<>(writable);
        w.retainAll(d.keySet());
        this.writable = Set.copyOf(w);
    }

    public String name() {
        return name;
    }

    public boolean listed() {
        return listed;
    }

    public Set<String> fields() {
        return new java.util.TreeSet<>(defaults.keySet());
    }

    public boolean hasField(String field) {
        return defaults.containsKey(field);
    }

    public boolean isWritable(String field) {
        return writable.contains(field);
    }

    public FieldKind kind(String field) {
        return kinds.get(field);
    }

    /** A fresh record holding every field at its default. */
    public Map<String, Object> newRecord() {
        Map<String, Object> record = new TreeMap<>();
        defaults.forEach((field, value) -> record.put(field, copy(value)));
        return record;
    }

    /**
     * Turns a value received from a client (or read from a state file) into the field's wire type: ints arrive as
     * text, dates as strings on JSON-RPC, enums as UNRECOGNIZED from the Java SDK.
     */
    public Object coerce(String field, Object raw) {
        FieldKind kind = kinds.get(field);
        if (kind == null) {
            return normalise(raw);
        }
        Object value = coerce(kind, raw, defaults.get(field));
        Set<String> allowed = enumValues.get(field);
        if (allowed != null && !allowed.contains(String.valueOf(value))) {
            return defaults.get(field);
        }
        return value;
    }

    private static Object coerce(FieldKind kind, Object raw, Object fallback) {
        if (raw == null) {
            return copy(fallback);
        }
        try {
            return switch (kind) {
                case STRING -> raw instanceof String s ? s : String.valueOf(normalise(raw));
                case LONG -> raw instanceof Number n ? Long.valueOf(n.longValue())
                        : raw.toString().isBlank() ? fallback : Long.valueOf(Long.parseLong(raw.toString().trim()));
                case DOUBLE -> raw instanceof Number n ? Double.valueOf(n.doubleValue())
                        : Double.valueOf(Double.parseDouble(raw.toString().trim()));
                case BOOLEAN -> raw instanceof Boolean b ? b
                        : Boolean.valueOf("true".equalsIgnoreCase(raw.toString()) || "1".equals(raw.toString()));
                case TIME -> raw instanceof Instant i ? i
                        : raw instanceof Date date ? date.toInstant()
                                : raw.toString().isBlank() ? Instant.EPOCH : WireTime.parse(raw.toString());
                case LIST -> raw instanceof Collection<?> || raw instanceof Object[] ? normalise(raw) : copy(fallback);
                case MAP -> raw instanceof Map<?, ?> ? normalise(raw) : copy(fallback);
            };
        } catch (RuntimeException malformed) {
            return copy(fallback);
        }
    }

    /** The wire form of an SDK value: Integer to Long, enums to their wire string, refs to text, sets to lists. */
    public static Object normalise(Object raw) {
        if (raw == null) {
            return "";
        }
        if (raw instanceof Integer i) {
            return Long.valueOf(i.longValue());
        }
        if (raw instanceof String || raw instanceof Long || raw instanceof Boolean || raw instanceof Double
                || raw instanceof Instant) {
            return raw;
        }
        if (raw instanceof Number n) {
            return Long.valueOf(n.longValue());
        }
        if (raw instanceof Date date) {
            return date.toInstant();
        }
        if (raw instanceof Enum<?> constant) {
            return enumWire(constant);
        }
        if (raw instanceof XenAPIObject ref) {
            return ref.toWireString();
        }
        if (raw instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((key, value) -> result.put(String.valueOf(normalise(key)), normalise(value)));
            return result;
        }
        if (raw instanceof Collection<?> collection) {
            List<Object> result = new ArrayList<>();
            collection.forEach(item -> result.add(normalise(item)));
            return result;
        }
        if (raw instanceof Object[] array) {
            List<Object> result = new ArrayList<>();
            for (Object item : array) {
                result.add(normalise(item));
            }
            return result;
        }
        return raw.toString();
    }

    /** A deep copy so stored records never share mutable lists or maps with callers. */
    @SuppressWarnings("unchecked")
    public static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            // sized for the record: a get_all_records copies every record, and growing each copy took a tenth of it
            Map<String, Object> result = new LinkedHashMap<>((int) (map.size() / 0.75f) + 1);
            ((Map<String, Object>) map).forEach((key, v) -> result.put(key, copy(v)));
            return result;
        }
        if (value instanceof List<?> list) {
            List<Object> result = new ArrayList<>(list.size());
            list.forEach(item -> result.add(copy(item)));
            return result;
        }
        return value;
    }

    private static FieldKind kindOf(Object value) {
        if (value instanceof Long) {
            return FieldKind.LONG;
        }
        if (value instanceof Double) {
            return FieldKind.DOUBLE;
        }
        if (value instanceof Boolean) {
            return FieldKind.BOOLEAN;
        }
        if (value instanceof Instant) {
            return FieldKind.TIME;
        }
        if (value instanceof List<?>) {
            return FieldKind.LIST;
        }
        if (value instanceof Map<?, ?>) {
            return FieldKind.MAP;
        }
        return FieldKind.STRING;
    }

    /** UNRECOGNIZED is the SDK's null-ish default; the first real constant is what xapi would hold. */
    private static String enumWire(Enum<?> constant) {
        Enum<?>[] all = constant.getDeclaringClass().getEnumConstants();
        if ("UNRECOGNIZED".equals(constant.name()) && all.length > 1) {
            return all[1].toString();
        }
        return constant.toString();
    }

    private static Set<String> enumWireValues(Enum<?> constant) {
        Set<String> values = new LinkedHashSet<>();
        for (Enum<?> each : constant.getDeclaringClass().getEnumConstants()) {
            if (!"UNRECOGNIZED".equals(each.name())) {
                values.add(each.toString());
            }
        }
        return values;
    }
}
