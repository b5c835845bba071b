package org.vmemperor.common.xenapi;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.vmemperor.common.access.AccessList;
import org.vmemperor.common.access.AccessRights;

/**
 * One cached XenAPI object: its class, opaque ref and every field of its record, keyed by the wire field name. Values
 * are plain Java: String (also for refs and enums), Long, Double, Boolean, Instant, List and Map. Immutable; equal
 * when class, ref and fields are.
 * <p>
 * A class rather than a record so that it can keep what is derived from its fields: the access rights in
 * {@code other_config} are parsed once per version of the object instead of on every request that checks them.
 */
public final class XenObject {

    public static final String NULL_REF = "OpaqueRef:NULL";

    private final XenClass type;
    private final String ref;
    private final Map<String, Object> fields;
    /** Parsed on first use; a benign race may parse twice, both results are equal. */
    private volatile AccessList access;

    public XenObject(XenClass type, String ref, Map<String, Object> fields) {
        this.type = type;
        this.ref = ref;
        // a schema's field map is immutable already and far smaller than a copy
        this.fields = fields instanceof RecordSchema.Fields ? fields : Map.copyOf(fields);
    }

    public XenClass type() {
        return type;
    }

    public String ref() {
        return ref;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    /** The rights stored in {@code other_config["vmemperor"]} (empty for objects that carry none). */
    public AccessList access() {
        AccessList parsed = access;
        if (parsed == null) {
            Object otherConfig = fields.get("other_config");
            Object json = otherConfig instanceof Map<?, ?> map ? map.get(AccessRights.OTHER_CONFIG_KEY) : null;
            parsed = AccessList.parse(json == null ? null : json.toString());
            access = parsed;
        }
        return parsed;
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

    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof XenObject object && type == object.type && ref.equals(object.ref)
                && fields.equals(object.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, ref, fields);
    }

    @Override
    public String toString() {
        return "XenObject[type=" + type + ", ref=" + ref + ", fields=" + fields + "]";
    }
}
