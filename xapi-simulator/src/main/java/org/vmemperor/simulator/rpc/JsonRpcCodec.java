package org.vmemperor.simulator.rpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
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

    /**
     * The answer's envelope and value written straight to UTF-8 bytes as they are walked: a 10,000-VM pool's
     * {@code VM.get_all_records} is tens of megabytes, and copying the records into JSON-ready maps and then into one
     * String took most of the simulator's time and memory per answer (bench/README.md), time a real pool does not
     * take from its clients' machine.
     */
    public byte[] success(JsonRequest request, Object value) {
        return write(generator -> {
            generator.writeStartObject();
            if (request.v2()) {
                generator.writeStringField("jsonrpc", "2.0");
                generator.writeFieldName("result");
                writeValue(generator, value);
            } else {
                generator.writeFieldName("result");
                writeValue(generator, value);
                generator.writeNullField("error");
            }
            generator.writeObjectField("id", request.id());
            generator.writeEndObject();
        });
    }

    public byte[] failure(JsonRequest request, List<String> description) {
        return write(generator -> {
            generator.writeStartObject();
            if (request.v2()) {
                generator.writeStringField("jsonrpc", "2.0");
                generator.writeObjectFieldStart("error");
                generator.writeNumberField("code", 1);
                generator.writeStringField("message", description.get(0));
                generator.writeObjectField("data", description.subList(1, description.size()));
                generator.writeEndObject();
            } else {
                generator.writeNullField("result");
                generator.writeObjectField("error", description);
            }
            generator.writeObjectField("id", request.id());
            generator.writeEndObject();
        });
    }

    /** An error for a request that could not even be parsed (no id to echo). */
    public byte[] unparsable(List<String> description) {
        return write(generator -> {
            generator.writeStartObject();
            generator.writeNullField("result");
            generator.writeObjectField("error", description);
            generator.writeNullField("id");
            generator.writeEndObject();
        });
    }

    /** A value in xapi's JSON form: dates as compact strings, a missing value as "". */
    private static void writeValue(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeString("");
        } else if (value instanceof String text) {
            generator.writeString(text);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            generator.writeStartArray();
            for (Object item : list) {
                writeValue(generator, item);
            }
            generator.writeEndArray();
        } else if (value instanceof Instant instant) {
            generator.writeString(WireTime.format(instant));
        } else if (value instanceof I4 i) {
            generator.writeNumber(i.value());
        } else {
            generator.writeObject(value);
        }
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator generator) throws IOException;
    }

    private byte[] write(Body body) {
        ByteArrayBuilder bytes = new ByteArrayBuilder();
        try (JsonGenerator generator = mapper.createGenerator(bytes)) {
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
