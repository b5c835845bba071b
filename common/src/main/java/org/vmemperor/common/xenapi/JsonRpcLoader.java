package org.vmemperor.common.xenapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The first load of the pool over JSON-RPC, read with Jackson's streaming parser straight into cached objects. The
 * SDK's XML-RPC path builds the whole answer (225 MB of XML for 10,000 VMs) as a DOM-like tree of maps, then typed
 * records, then field maps; here each record is read once and kept, and strings repeated across objects (refs, enum
 * values, "") are shared. Two ways, measured by bench/run-all.sh (its loads phase):
 * <ul>
 * <li>{@link #eventFrom}: one {@code event.from(classes, "", 0)}, as the SDK path does;</li>
 * <li>{@link #perClass}: a token from a small {@code event.from}, then {@code <class>.get_all_records} of every class
 * in parallel (what Xen Orchestra's client does); events since the token then replay what changed meanwhile.</li>
 * </ul>
 */
final class JsonRpcLoader {

    /** Objects by class and ref, and the token to follow with {@code event.from}. */
    record Loaded(Map<XenClass, Map<String, XenObject>> objects, String token, int count) {
    }

    @FunctionalInterface
    private interface ResultReader<T> {
        T read(JsonParser parser) throws IOException;
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int PARALLEL_LOADS = 4;
    private static final int SHARED_STRING_MAX_LENGTH = 96;

    private final XenApiConfig config;
    /**
     * Field names are canonicalised (one instance per name), not interned: refs are field names in
     * {@code get_all_records} answers, and interning 10,000s of them in the JVM's string table only costs.
     */
    private final JsonFactory json = JsonFactory.builder().disable(JsonFactory.Feature.INTERN_FIELD_NAMES).build();

    JsonRpcLoader(XenApiConfig config) {
        this.config = config;
    }

    /** Every object of {@code classes} with {@code event.from(classes, "", 0)}. */
    Loaded eventFrom(PoolSession session, Set<String> classes) {
        Strings strings = new Strings();
        Map<XenClass, Map<String, XenObject>> objects = new EnumMap<>(XenClass.class);
        String token = call(session, "event.from", List.of(List.copyOf(classes), "", 0.0),
                parser -> readEventBatch(parser, strings, objects));
        return new Loaded(objects, token, count(objects.values()));
    }

    /** A token first, then {@code get_all_records} of each class in parallel. */
    Loaded perClass(PoolSession session, Set<String> classes) {
        String token = call(session, "event.from", List.of(List.of("pool"), "", 0.0),
                parser -> readEventBatch(parser, new Strings(), new EnumMap<>(XenClass.class)));
        Map<XenClass, Map<String, XenObject>> objects = new EnumMap<>(XenClass.class);
        // one copy of a string across classes too: a VM's ref is in its VBDs, VIFs, metrics and guest metrics
        ConcurrentHashMap<String, String> acrossClasses = new ConcurrentHashMap<>(1 << 16);
        // a short-lived pool for one load: the pool's answers are read concurrently, then it is gone
        ExecutorService loads = Executors.newFixedThreadPool(PARALLEL_LOADS, runnable -> {
            Thread thread = new Thread(runnable, "xenapi-initial-load");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<XenClass, Future<Map<String, XenObject>>> pending = new EnumMap<>(XenClass.class);
            for (XenClass type : XenClass.values()) {
                if (classes.contains(type.eventName())) {
                    pending.put(type, loads.submit(() -> allRecords(session, type, acrossClasses)));
                }
            }
            for (Map.Entry<XenClass, Future<Map<String, XenObject>>> entry : pending.entrySet()) {
                objects.put(entry.getKey(), entry.getValue().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolUnavailableException("interrupted while loading the pool", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new PoolUnavailableException("loading the pool failed: " + e.getCause(), e.getCause());
        } finally {
            loads.shutdownNow();
        }
        return new Loaded(objects, token, count(objects.values()));
    }

    private Map<String, XenObject> allRecords(PoolSession session, XenClass type,
            ConcurrentHashMap<String, String> acrossClasses) {
        Strings strings = new Strings(acrossClasses);
        RecordSchema schema = RecordSchema.of(type);
        return call(session, type.wireName() + ".get_all_records", List.of(), parser -> {
            Map<String, XenObject> records = new HashMap<>();
            expect(parser, JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String ref = strings.share(parser.currentName());
                expect(parser.nextToken(), JsonToken.START_OBJECT);
                records.put(ref, new XenObject(type, ref, readRecord(parser, schema, strings)));
            }
            return records;
        });
    }

    /** Reads {@code {"events": [...], "token": ..., ...}}, adding each snapshot to {@code objects}; the token. */
    static String readEventBatch(JsonParser parser, Strings strings, Map<XenClass, Map<String, XenObject>> objects)
            throws IOException {
        expect(parser, JsonToken.START_OBJECT);
        String token = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("events".equals(name) && value == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    readEvent(parser, strings, objects);
                }
            } else if ("token".equals(name)) {
                token = parser.getValueAsString();
            } else {
                parser.skipChildren();
            }
        }
        if (token == null) {
            throw new PoolUnavailableException("event.from answered without a token");
        }
        return token;
    }

    /**
     * One event. xapi writes {@code class} before {@code snapshot}, so the snapshot is read straight into its class's
     * value array; a snapshot that comes first is read as a map and converted once its class is known.
     */
    private static void readEvent(JsonParser parser, Strings strings, Map<XenClass, Map<String, XenObject>> objects)
            throws IOException {
        expect(parser, JsonToken.START_OBJECT);
        boolean classSeen = false;
        XenClass type = null;
        String ref = null;
        String operation = null;
        Map<String, Object> fields = null;
        Map<String, Object> unconverted = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "class" -> {
                    classSeen = true;
                    type = XenClass.fromEventName(parser.getValueAsString("")).orElse(null);
                }
                case "operation" -> operation = parser.getValueAsString();
                case "ref" -> ref = value == JsonToken.VALUE_STRING ? strings.share(parser) : null;
                case "snapshot" -> {
                    if (value != JsonToken.START_OBJECT || (classSeen && type == null)) {
                        parser.skipChildren();
                    } else if (type != null) {
                        fields = readRecord(parser, RecordSchema.of(type), strings);
                    } else {
                        unconverted = asMap(readValue(parser, strings));
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (type == null || ref == null || "del".equals(operation)) {
            return;
        }
        if (fields == null && unconverted != null) {
            fields = RecordSchema.of(type).fields(unconverted);
        }
        if (fields != null) {
            objects.computeIfAbsent(type, key -> new HashMap<>()).put(ref, new XenObject(type, ref, fields));
        }
    }

    /**
     * A record (the parser on its START_OBJECT) read field by field into its class's value array, each value converted
     * as it is read; fields the SDK does not know are skipped, missing ones keep the SDK's default.
     */
    private static Map<String, Object> readRecord(JsonParser parser, RecordSchema schema, Strings strings)
            throws IOException {
        Object[] values = schema.defaultValues();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            int position = schema.position(parser.currentName());
            JsonToken token = parser.nextToken();
            if (position < 0 || token == JsonToken.VALUE_NULL) {
                parser.skipChildren();
            } else {
                values[position] = readField(parser, token, schema, position, strings);
            }
        }
        return schema.fields(values);
    }

    /** The usual wire form of each kind read directly; anything else through {@link RecordSchema#convert}. */
    private static Object readField(JsonParser parser, JsonToken token, RecordSchema schema, int position,
            Strings strings) throws IOException {
        switch (schema.kind(position)) {
            case STRING:
                if (token == JsonToken.VALUE_STRING) {
                    return strings.share(parser);
                }
                break;
            case LONG:
                if (token == JsonToken.VALUE_NUMBER_INT) {
                    return parser.getLongValue();
                }
                break;
            case BOOLEAN:
                if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                    return token == JsonToken.VALUE_TRUE;
                }
                break;
            case DATE:
                if (token == JsonToken.VALUE_STRING) {
                    return RecordSchema.parseDate(parser.getText());
                }
                break;
            case LIST:
                if (token == JsonToken.START_ARRAY) {
                    List<Object> items = new ArrayList<>();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        Object item = readValue(parser, strings);
                        items.add(item == null ? "" : item);
                    }
                    return List.copyOf(items);
                }
                break;
            case MAP:
                if (token == JsonToken.START_OBJECT) {
                    if (parser.nextToken() != JsonToken.FIELD_NAME) {
                        // most map fields are empty (three in four of a 10,000-VM pool's): one shared empty map
                        return Map.of();
                    }
                    Map<String, Object> map = new LinkedHashMap<>();
                    do {
                        // names are shared already: the parser canonicalises them
                        String key = parser.currentName();
                        parser.nextToken();
                        Object item = readValue(parser, strings);
                        map.put(key, item == null ? "" : item);
                    } while (parser.nextToken() == JsonToken.FIELD_NAME);
                    return Collections.unmodifiableMap(map);
                }
                break;
            default:
                break;
        }
        return schema.convert(position, readValue(parser, strings));
    }

    /** One call with the shared session (logged in again once if the pool forgot it). */
    private <T> T call(PoolSession session, String method, List<Object> arguments, ResultReader<T> reader) {
        for (int attempt = 0;; attempt++) {
            PoolSession.Current current = session.current();
            List<Object> params = new ArrayList<>(arguments.size() + 1);
            params.add(current.session());
            params.addAll(arguments);
            long started = System.nanoTime();
            try {
                T result = send(current, method, params, reader);
                session.observe(started, XenApiMetrics.JSON_RPC, XenApiMetrics.SUCCESS);
                return result;
            } catch (XenApiFailure failure) {
                session.observe(started, XenApiMetrics.JSON_RPC, failure.code().isEmpty() ? "INTERNAL_ERROR" : failure.code());
                if ("SESSION_INVALID".equals(failure.code()) && attempt < 2) {
                    session.sessionRejected(current.session());
                    continue;
                }
                throw failure;
            } catch (IOException e) {
                session.observe(started, XenApiMetrics.JSON_RPC, XenApiMetrics.UNREACHABLE);
                throw new PoolUnavailableException("the pool is unreachable: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PoolUnavailableException("interrupted while loading the pool", e);
            }
        }
    }

    private <T> T send(PoolSession.Current current, String method, List<Object> params, ResultReader<T> reader)
            throws IOException, InterruptedException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        request.put("params", params);
        request.put("id", 1);
        URL url;
        try {
            url = new URL(current.url(), "/jsonrpc");
        } catch (MalformedURLException e) {
            throw new PoolUnavailableException("not a valid pool URL: " + current.url());
        }
        // HttpURLConnection, not java.net.http's client: the body is read straight from the socket's stream, where
        // the client's reactive body pipeline nearly doubled the time to read a 10,000-VM pool's 79 MB answer in a
        // new JVM (bench/README.md)
        HttpURLConnection connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
        connection.setConnectTimeout((int) config.connectTimeout().toMillis());
        connection.setReadTimeout((int) config.replyTimeout().toMillis());
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = connection.getOutputStream()) {
            MAPPER.writeValue(out, request);
        }
        int status = connection.getResponseCode();
        if (status != 200) {
            try (InputStream error = connection.getErrorStream()) {
                if (error != null) {
                    error.transferTo(OutputStream.nullOutputStream());
                }
            }
            throw new IOException("JSON-RPC answered HTTP " + status);
        }
        try (InputStream body = connection.getInputStream(); JsonParser parser = json.createParser(body)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            T result = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("result".equals(name) && value != JsonToken.VALUE_NULL) {
                    result = reader.read(parser);
                } else if ("error".equals(name) && value != JsonToken.VALUE_NULL) {
                    throw new XenApiFailure(errorDescription(readValue(parser, new Strings())));
                } else {
                    parser.skipChildren();
                }
            }
            if (result == null) {
                throw new IOException(method + " answered no result");
            }
            return result;
        }
    }

    /** v1 errors are the description array, v2 errors {@code {"code", "message": CODE, "data": [params]}}. */
    private static List<String> errorDescription(Object error) {
        List<String> description = new ArrayList<>();
        if (error instanceof List<?> list) {
            list.forEach(item -> description.add(String.valueOf(item)));
        } else if (error instanceof Map<?, ?> map) {
            description.add(String.valueOf(map.get("message")));
            if (map.get("data") instanceof List<?> data) {
                data.forEach(item -> description.add(String.valueOf(item)));
            }
        }
        if (description.isEmpty()) {
            description.add("INTERNAL_ERROR");
        }
        return description;
    }

    /** The value the parser is on, as String, Long, Double, Boolean, null, List or Map. */
    private static Object readValue(JsonParser parser, Strings strings) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    parser.nextToken();
                    map.put(key, readValue(parser, strings));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(parser, strings));
                }
                return list;
            }
            case VALUE_STRING:
                return strings.share(parser);
            case VALUE_NUMBER_INT:
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static void expect(JsonParser parser, JsonToken token) throws IOException {
        expect(parser.currentToken(), token);
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("unexpected JSON-RPC answer: " + actual + " where " + expected + " belongs");
        }
    }

    private static int count(Collection<Map<String, XenObject>> classes) {
        return classes.stream().mapToInt(Map::size).sum();
    }

    /**
     * One copy of each short string of a load: refs appear in many records (a VM's ref in its VBDs, VIFs, metrics),
     * and enum values and "" in nearly all of them. A string value is looked up by the parser's characters, so one seen
     * before costs no allocation: most of a load's string values are repeats. Open addressing over one array, because
     * a HashMap's nodes and resizing took a quarter of a load's time.
     * <p>
     * Loads that read several answers at once give each its own table (no lock on the parse's hot path) in front of
     * one shared map: only a string new to the table is looked up there, about once per distinct string and answer.
     * Without it, the classes' tables each kept their own copy of the refs they shared: 138,000 more strings, 12 MB of
     * live heap, at 10,000 VMs.
     */
    static final class Strings {
        private final ConcurrentHashMap<String, String> shared;
        private String[] table = new String[1 << 10];
        private int size;

        Strings() {
            this(null);
        }

        /** A table in front of {@code shared}, which other threads' tables use too; null for none. */
        Strings(ConcurrentHashMap<String, String> shared) {
            this.shared = shared;
        }

        /** The string value the parser is on, shared. */
        String share(JsonParser parser) throws IOException {
            int length = parser.getTextLength();
            char[] chars = parser.getTextCharacters();
            int offset = parser.getTextOffset();
            if (length > SHARED_STRING_MAX_LENGTH || isUuid(chars, offset, length)) {
                return new String(chars, offset, length);
            }
            int hash = 0;
            for (int i = 0; i < length; i++) {
                hash = 31 * hash + chars[offset + i];
            }
            int mask = table.length - 1;
            int slot = spread(hash) & mask;
            for (String known; (known = table[slot]) != null; slot = (slot + 1) & mask) {
                if (known.hashCode() == hash && sameChars(known, chars, offset, length)) {
                    return known;
                }
            }
            String value = acrossTables(new String(chars, offset, length));
            add(slot, value);
            return value;
        }

        String share(String value) {
            if (value.length() > SHARED_STRING_MAX_LENGTH || isUuid(value)) {
                return value;
            }
            int mask = table.length - 1;
            int slot = spread(value.hashCode()) & mask;
            for (String known; (known = table[slot]) != null; slot = (slot + 1) & mask) {
                if (known.equals(value)) {
                    return known;
                }
            }
            String kept = acrossTables(value);
            add(slot, kept);
            return kept;
        }

        private String acrossTables(String value) {
            if (shared == null) {
                return value;
            }
            String known = shared.putIfAbsent(value, value);
            return known == null ? value : known;
        }

        private void add(int slot, String value) {
            table[slot] = value;
            if (++size * 2 > table.length) {
                String[] old = table;
                table = new String[old.length * 2];
                int mask = table.length - 1;
                for (String known : old) {
                    if (known != null) {
                        int at = spread(known.hashCode()) & mask;
                        while (table[at] != null) {
                            at = (at + 1) & mask;
                        }
                        table[at] = known;
                    }
                }
            }
        }

        /** Linear probing needs well-mixed low bits; a String's hash of similar refs has poorly mixed ones. */
        private static int spread(int hash) {
            int mixed = hash * 0x9E3779B9;
            return mixed ^ (mixed >>> 16);
        }

        private static boolean sameChars(String known, char[] chars, int offset, int length) {
            if (known.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (known.charAt(i) != chars[offset + i]) {
                    return false;
                }
            }
            return true;
        }

        /** An object's uuid is written once (references are refs): keeping it would only grow the table. */
        private static boolean isUuid(String value) {
            return value.length() == 36 && value.charAt(8) == '-' && value.charAt(13) == '-'
                    && value.charAt(18) == '-' && value.charAt(23) == '-';
        }

        private static boolean isUuid(char[] chars, int offset, int length) {
            return length == 36 && chars[offset + 8] == '-' && chars[offset + 13] == '-' && chars[offset + 18] == '-'
                    && chars[offset + 23] == '-';
        }
    }
}
