package org.vmemperor.simulator.rpc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A call's parameters without the session, read leniently: clients send ints as text or typed, strings typed or
 * untyped, and Python sends nil.
 */
public final class Params {
    private final List<Object> values;

    public Params(List<Object> values) {
        this.values = values;
    }

    public int size() {
        return values.size();
    }

    public boolean has(int i) {
        return i < values.size() && values.get(i) != null;
    }

    public Object raw(int i) {
        return i < values.size() ? values.get(i) : null;
    }

    public String str(int i) {
        Object v = raw(i);
        if (v == null) {
            return "";
        }
        return v instanceof Instant instant ? WireTime.format(instant) : v.toString();
    }

    public String str(int i, String fallback) {
        return has(i) ? str(i) : fallback;
    }

    public long lng(int i) {
        Object v = raw(i);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(str(i).trim());
        } catch (NumberFormatException e) {
            throw new XapiError("FIELD_TYPE_ERROR", "parameter " + i);
        }
    }

    public double dbl(int i) {
        Object v = raw(i);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(str(i).trim());
        } catch (NumberFormatException e) {
            throw new XapiError("FIELD_TYPE_ERROR", "parameter " + i);
        }
    }

    public boolean bool(int i, boolean fallback) {
        Object v = raw(i);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return "true".equalsIgnoreCase(v.toString()) || "1".equals(v.toString());
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(int i) {
        Object v = raw(i);
        return v instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
    }

    public List<String> strings(int i) {
        Object v = raw(i);
        List<String> result = new ArrayList<>();
        if (v instanceof List<?> list) {
            list.forEach(item -> result.add(String.valueOf(item)));
        } else if (v != null && !v.toString().isEmpty()) {
            result.add(v.toString());
        }
        return result;
    }
}
