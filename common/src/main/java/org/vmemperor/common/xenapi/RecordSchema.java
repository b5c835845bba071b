package org.vmemperor.common.xenapi;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import com.xensource.xenapi.Console;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.HostMetrics;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.PBD;
import com.xensource.xenapi.PIF;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VIF;
import com.xensource.xenapi.VM;
import com.xensource.xenapi.VMGuestMetrics;
import com.xensource.xenapi.VMMetrics;

/**
 * The fields of each cached class as the SDK 8.1 record has them, and their kinds, taken from the SDK's own empty
 * records: a record read from JSON-RPC becomes exactly the field map {@link RecordConverter} makes of the SDK's record
 * (same fields, same Java types, defaults for missing fields, fields the SDK does not know dropped), so both paths
 * can feed the same cache.
 */
final class RecordSchema {

    enum Kind {
        STRING,
        LONG,
        DOUBLE,
        BOOLEAN,
        DATE,
        LIST,
        MAP
    }

    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss[X]");
    private static final Map<XenClass, RecordSchema> SCHEMAS = new EnumMap<>(XenClass.class);

    static {
        SCHEMAS.put(XenClass.POOL, of(new Pool.Record()));
        SCHEMAS.put(XenClass.HOST, of(new Host.Record()));
        SCHEMAS.put(XenClass.HOST_METRICS, of(new HostMetrics.Record()));
        SCHEMAS.put(XenClass.VM, of(new VM.Record()));
        SCHEMAS.put(XenClass.VM_METRICS, of(new VMMetrics.Record()));
        SCHEMAS.put(XenClass.VM_GUEST_METRICS, of(new VMGuestMetrics.Record()));
        SCHEMAS.put(XenClass.VBD, of(new VBD.Record()));
        SCHEMAS.put(XenClass.VIF, of(new VIF.Record()));
        SCHEMAS.put(XenClass.VDI, of(new VDI.Record()));
        SCHEMAS.put(XenClass.SR, of(new SR.Record()));
        SCHEMAS.put(XenClass.PBD, of(new PBD.Record()));
        SCHEMAS.put(XenClass.NETWORK, of(new Network.Record()));
        SCHEMAS.put(XenClass.PIF, of(new PIF.Record()));
        SCHEMAS.put(XenClass.CONSOLE, of(new Console.Record()));
        SCHEMAS.put(XenClass.TASK, of(new Task.Record()));
    }

    /** Field names in a fixed order: every record of the class keeps its values in an array in this order. */
    private final String[] names;
    private final Map<String, Integer> positions;
    private final Kind[] kinds;
    private final Object[] defaults;

    private RecordSchema(String[] names, Kind[] kinds, Object[] defaults) {
        this.names = names;
        this.kinds = kinds;
        this.defaults = defaults;
        this.positions = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            positions.put(names[i], i);
        }
    }

    static RecordSchema of(XenClass type) {
        return SCHEMAS.get(type);
    }

    private static RecordSchema of(Types.Record empty) {
        Map<String, Object> sdkDefaults = new TreeMap<>(empty.toMap());
        String[] names = sdkDefaults.keySet().toArray(String[]::new);
        Kind[] kinds = new Kind[names.length];
        Object[] defaults = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            Object value = sdkDefaults.get(names[i]);
            kinds[i] = kindOf(value);
            defaults[i] = Objects.requireNonNull(RecordConverter.plain(value), names[i]);
        }
        return new RecordSchema(names, kinds, defaults);
    }

    private static Kind kindOf(Object sdkDefault) {
        if (sdkDefault instanceof Long || sdkDefault instanceof Integer) {
            return Kind.LONG;
        }
        if (sdkDefault instanceof Double) {
            return Kind.DOUBLE;
        }
        if (sdkDefault instanceof Boolean) {
            return Kind.BOOLEAN;
        }
        if (sdkDefault instanceof java.util.Date) {
            return Kind.DATE;
        }
        if (sdkDefault instanceof Collection<?>) {
            return Kind.LIST;
        }
        if (sdkDefault instanceof Map<?, ?>) {
            return Kind.MAP;
        }
        return Kind.STRING;
    }

    /** The position of a field in this class's value arrays; -1 for a field the SDK does not know. */
    int position(String field) {
        Integer position = positions.get(field);
        return position == null ? -1 : position;
    }

    Kind kind(int position) {
        return kinds[position];
    }

    /** A new value array holding the SDK's default of every field, for a reader to fill. */
    Object[] defaultValues() {
        return defaults.clone();
    }

    /** The field map over a filled value array (which the caller must no longer change). */
    Map<String, Object> fields(Object[] values) {
        return new Fields(this, values);
    }

    /**
     * The cache's field map of a record read from JSON ({@code json}: String, Long, Double, Boolean, List and Map values
     * as a JSON parser gives them).
     */
    Map<String, Object> fields(Map<String, Object> json) {
        Object[] values = defaultValues();
        json.forEach((field, value) -> {
            int position = position(field);
            if (position >= 0 && value != null) {
                values[position] = convert(position, value);
            }
        });
        return fields(values);
    }

    /** The cache's field map of a record the SDK read ({@link RecordConverter#fields}: values already converted). */
    Map<String, Object> typedFields(Map<String, Object> converted) {
        Object[] values = defaultValues();
        converted.forEach((field, value) -> {
            int position = position(field);
            if (position >= 0 && value != null) {
                values[position] = value;
            }
        });
        return fields(values);
    }

    /** A JSON value of the field at {@code position} in the cache's type; the field's default when it cannot be. */
    Object convert(int position, Object value) {
        return convert(kinds[position], value, defaults[position]);
    }

    static Object convert(Kind kind, Object value, Object fallback) {
        switch (kind) {
            case LONG:
                return value instanceof Number n ? (Object) n.longValue() : parseLong(value.toString(), fallback);
            case DOUBLE:
                return value instanceof Number n ? (Object) n.doubleValue() : parseDouble(value.toString(), fallback);
            case BOOLEAN:
                return value instanceof Boolean ? value : Boolean.valueOf("true".equalsIgnoreCase(value.toString()));
            case DATE:
                return parseDate(value.toString());
            case LIST:
                if (value instanceof List<?> list) {
                    List<Object> items = new ArrayList<>(list.size());
                    list.forEach(item -> items.add(item == null ? "" : item));
                    return List.copyOf(items);
                }
                return fallback;
            case MAP:
                if (value instanceof Map<?, ?> map) {
                    if (map.isEmpty()) {
                        return Map.of();
                    }
                    Map<String, Object> copy = new LinkedHashMap<>();
                    map.forEach((key, item) -> copy.put(String.valueOf(key), item == null ? "" : item));
                    return Collections.unmodifiableMap(copy);
                }
                return fallback;
            default:
                return value instanceof String ? value : value.toString();
        }
    }

    private static Object parseLong(String text, Object fallback) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Object parseDouble(String text, Object fallback) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * A record's fields as one value array over its class's shared names and positions: the 80,000 objects of a
     * 10,000-VM pool share 15 key tables instead of each holding its own hash table (a quarter of the space), and a
     * loader fills the array without building a map first.
     */
    static final class Fields extends AbstractMap<String, Object> {
        private final RecordSchema schema;
        private final Object[] values;

        private Fields(RecordSchema schema, Object[] values) {
            this.schema = schema;
            this.values = values;
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String field && schema.positions.containsKey(field);
        }

        @Override
        public Object get(Object key) {
            Integer position = key instanceof String field ? schema.positions.get(field) : null;
            return position == null ? null : values[position];
        }

        @Override
        public void forEach(BiConsumer<? super String, ? super Object> action) {
            for (int i = 0; i < values.length; i++) {
                action.accept(schema.names[i], values[i]);
            }
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return values.length;
                }

                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < values.length;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (next >= values.length) {
                                throw new NoSuchElementException();
                            }
                            Entry<String, Object> entry = new SimpleImmutableEntry<>(schema.names[next], values[next]);
                            next++;
                            return entry;
                        }
                    };
                }
            };
        }
    }

    /** xapi's compact dates ({@code 20180925T15:35:58Z}, sometimes without the zone), or ISO-8601. */
    static Instant parseDate(String text) {
        Instant compact = parseCompact(text);
        if (compact != null) {
            return compact;
        }
        try {
            return LocalDateTime.parse(text.replace(".000", ""), COMPACT).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException again) {
                return Instant.EPOCH;
            }
        }
    }

    /**
     * The usual form, {@code yyyyMMdd'T'HH:mm:ss} with an optional {@code .000} and {@code Z}, read without a
     * DateTimeFormatter: a 10,000-VM pool sends tens of thousands of dates, and the formatter took an eighth of the
     * first load's time (JFR). Null for anything else, which the formatter then reads as before.
     */
    private static Instant parseCompact(String text) {
        int end = text.endsWith("Z") ? text.length() - 1 : text.length();
        if (end >= 4 && text.startsWith(".000", end - 4)) {
            end -= 4;
        }
        if (end != 17 || text.charAt(8) != 'T' || text.charAt(11) != ':' || text.charAt(14) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 4, 2);
        int day = digits(text, 6, 2);
        int hour = digits(text, 9, 2);
        int minute = digits(text, 12, 2);
        int second = digits(text, 15, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
