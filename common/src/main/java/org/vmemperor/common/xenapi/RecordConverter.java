package org.vmemperor.common.xenapi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.xensource.xenapi.Types;
import com.xensource.xenapi.XenAPIObject;

/**
 * Turns the SDK's typed records into SDK-free field maps: refs and enums become their wire strings, dates become
 * Instants, sets become lists. This is the one place where XenAPI's Java types are translated.
 */
final class RecordConverter {

    private RecordConverter() {
    }

    static Map<String, Object> fields(Object sdkRecord) {
        if (!(sdkRecord instanceof Types.Record record)) {
            throw new IllegalArgumentException("not a XenAPI record: " + sdkRecord);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        record.toMap().forEach((key, value) -> result.put(key, plain(value)));
        return result;
    }

    static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof XenAPIObject object) {
            return object.toWireString();
        }
        if (value instanceof Enum<?> constant) {
            return constant.toString();
        }
        if (value instanceof Collection<?> collection) {
            List<Object> list = new ArrayList<>(collection.size());
            collection.forEach(item -> list.add(plain(item)));
            return List.copyOf(list);
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return Map.of();
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(String.valueOf(plain(key)), plain(item)));
            return Collections.unmodifiableMap(copy);
        }
        return value.toString();
    }
}
