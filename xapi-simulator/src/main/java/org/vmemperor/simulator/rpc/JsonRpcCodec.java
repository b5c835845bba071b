package org.vmemperor.simulator.rpc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON-RPC v1 and v2 as xapi answers them on /jsonrpc: no Status wrapper, ints as numbers, dates as compact
 * strings, errors as the ErrorDescription array (v1) or {code, message, data} (v2).
 */
public final class JsonRpcCodec {
    private final ObjectMapper mapper = new ObjectMapper();

    /** A decoded request and the envelope details its answer must echo. */
    public record JsonRequest(RpcCall call, Object id, boolean v2) {
    }

    @SuppressWarnings("unchecked")
    public JsonRequest decode(byte[] body) {
        Map<String, Object> request;
        try {
            request = mapper.readValue(body, Map.class);
        } catch (Exception malformed) {
            throw new IllegalArgumentException("malformed JSON-RPC request", malformed);
        }
        Object method = request.get("method");
        if (!(method instanceof String)) {
            throw new IllegalArgumentException("no method");
        }
        List<Object> params = new ArrayList<>();
        if (request.get("params") instanceof List<?> list) {
            list.forEach(p -> params.add(normalise(p)));
        }
        boolean v2 = "2.0".equals(request.get("jsonrpc"));
        return new JsonRequest(new RpcCall((String) method, params), request.get("id"), v2);
    }

    private static Object normalise(Object value) {
        if (value instanceof Integer i) {
            return Long.valueOf(i.longValue());
        }
        if (value instanceof java.math.BigInteger b) {
            return Long.valueOf(b.longValue());
        }
        if (value instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            list.forEach(item -> result.add(normalise(item)));
            return result;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(String.valueOf(k), normalise(v)));
            return result;
        }
        return value;
    }

    public String success(JsonRequest request, Object value) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        if (request.v2()) {
            envelope.put("jsonrpc", "2.0");
            envelope.put("result", toJson(value));
        } else {
            envelope.put("result", toJson(value));
            envelope.put("error", null);
        }
        envelope.put("id", request.id());
        return write(envelope);
    }

    public String failure(JsonRequest request, List<String> description) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        if (request.v2()) {
            envelope.put("jsonrpc", "2.0");
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", 1);
            error.put("message", description.get(0));
            error.put("data", description.subList(1, description.size()));
            envelope.put("error", error);
        } else {
            envelope.put("result", null);
            envelope.put("error", description);
        }
        envelope.put("id", request.id());
        return write(envelope);
    }

    /** An error for a request that could not even be parsed (no id to echo). */
    public String unparsable(List<String> description) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("result", null);
        envelope.put("error", description);
        envelope.put("id", null);
        return write(envelope);
    }

    private static Object toJson(Object value) {
        if (value instanceof Instant instant) {
            return WireTime.format(instant);
        }
        if (value instanceof I4 i) {
            return i.value();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(String.valueOf(k), toJson(v)));
            return result;
        }
        if (value instanceof Collection<?> list) {
            List<Object> result = new ArrayList<>(list.size());
            list.forEach(item -> result.add(toJson(item)));
            return result;
        }
        return value == null ? "" : value;
    }

    private String write(Object envelope) {
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
