package org.vmemperor.common.xenapi;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One cached XenAPI object: its class, opaque ref and every field of its record, keyed by the wire field name. Values
 * are plain Java: String (also for refs and enums), Long, Double, Boolean, Instant, List and Map. Immutable.
 */
public record XenObject(XenClass type, String ref, Map<String, Object> fields) {

    public static final String NULL_REF = "OpaqueRef:NULL";

    public XenObject {
        fields = Map.copyOf(fields);
    }

    public String uuid() {
        return string("uuid");
    }

    public Object get(String field) {
        return fields.get(field);
    }

    /** A string, ref or enum field; "" when absent. */
    public String string(String field) {
        Object value = fields.get(field);
        return value == null ? "" : value.toString();
    }

    public boolean bool(String field) {
        return Boolean.TRUE.equals(fields.get(field));
    }

    public long number(String field) {
        Object value = fields.get(field);
        return value instanceof Number n ? n.longValue() : 0L;
    }

    public double decimal(String field) {
        Object value = fields.get(field);
        return value instanceof Number n ? n.doubleValue() : 0.0;
    }

    public Instant time(String field) {
        Object value = fields.get(field);
        return value instanceof Instant i ? i : Instant.EPOCH;
    }

    /** A set-of-refs (or set-of-strings) field. */
    @SuppressWarnings("unchecked")
    public List<String> strings(String field) {
        Object value = fields.get(field);
        return value instanceof List<?> list ? (List<String>) list : List.of();
    }

    /** A map field such as other_config, tags-free. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String field) {
        Object value = fields.get(field);
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** A (string to string) map field, e.g. other_config; non-string values are rendered as text. */
    public Map<String, String> stringMap(String field) {
        Map<String, Object> raw = map(field);
        LinkedHashMap<String, String> result = new LinkedHashMap<>();
        raw.forEach((key, value) -> result.put(key, value == null ? "" : value.toString()));
        return result;
    }

    /** Whether a ref field points at an object (not {@code OpaqueRef:NULL}, not empty). */
    public static boolean isRef(String ref) {
        return ref != null && !ref.isEmpty() && !NULL_REF.equals(ref);
    }
}
