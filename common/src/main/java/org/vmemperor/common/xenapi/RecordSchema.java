package org.vmemperor.common.xenapi;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private final Map<String, Kind> kinds;
    private final Map<String, Object> defaults;

    private RecordSchema(Map<String, Kind> kinds, Map<String, Object> defaults) {
        this.kinds = kinds;
        this.defaults = defaults;
    }

    static RecordSchema of(XenClass type) {
        return SCHEMAS.get(type);
    }

    private static RecordSchema of(Types.Record empty) {
        Map<String, Kind> kinds = new HashMap<>();
        Map<String, Object> defaults = new HashMap<>();
        empty.toMap().forEach((field, value) -> {
            kinds.put(field, kindOf(value));
            defaults.put(field, RecordConverter.plain(value));
        });
        return new RecordSchema(kinds, defaults);
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

    /**
     * The cache's field map of a record read from JSON ({@code json}: String, Long, Double, Boolean, List and Map values
     * as a JSON parser gives them).
     */
    Map<String, Object> fields(Map<String, Object> json) {
        Map<String, Object> fields = new HashMap<>(defaults);
        json.forEach((field, value) -> {
            Kind kind = kinds.get(field);
            if (kind != null && value != null) {
                fields.put(field, convert(kind, value, defaults.get(field)));
            }
        });
        return fields;
    }

    private static Object convert(Kind kind, Object value, Object fallback) {
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
