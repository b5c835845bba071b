package org.vmemperor.standalone.suite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.vmemperor.standalone.suite.RouteArguments.Arg;
import org.vmemperor.standalone.suite.RouteArguments.Kind;
import org.vmemperor.standalone.suite.RouteArguments.Spec;

/**
 * Generates the bad requests of the suite from the route table, deterministically from a seed: for every route and
 * caller, methods the route does not serve, malformed JSON, JSON of the wrong type, missing and ill-typed arguments,
 * numbers as strings, huge and negative numbers, unknown and malformed UUIDs, 100 KB strings, control and unicode
 * characters, bad encodings, and oversized bodies, headers and URIs.
 * <p>
 * Every value that names an object is random or malformed, never one of the objects the suite set up, so even an
 * administrator's request cannot destroy what the suite checks afterwards.
 */
public final class BadRequests {

    /** Who sends a request: the headers that carry its session (none for anonymous). */
    public record Caller(String name, Map<String, String> cookieHeaders, Map<String, String> bearerHeaders) {
    }

    /**
     * One request. {@code expected} is the exact status it must get, or 0 when any answer below 500 will do.
     */
    public record Request(String category, String method, String target, Map<String, String> headers, byte[] body,
            int expected) {

        public String describe() {
            return category + ": " + method + " " + RawHttp.abbreviate(target) + " " + RawHttp.abbreviate(
                    body == null ? "" : new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8));
        }
    }

    private static final String[] METHODS = { "GET", "POST", "PUT", "DELETE", "PATCH" };
    private static final String[] MALFORMED = { "{", "{\"uuid\": ", "[1, 2", "nul", "{\"a\" 1}", "{'uuid': 'x'}",
            "{\"uuid\": \"x\",}", "\u00ff\u00fe{}", "{\"uuid\": \"x\"} trailing", "[".repeat(5000), "{\"a\":".repeat(3000),
            "\"unterminated", "{\"n\": 01}", "{\"n\": NaN}", "{\"n\": 1e99999}" };
    private static final String[] WRONG_TYPES = { "[]", "[{\"uuid\": \"x\"}]", "\"a string\"", "42", "true", "null",
            "3.14" };
    private static final String[] ILL_TYPED = { "42", "-1", "3.5", "true", "false", "[]", "[\"x\"]", "{}",
            "{\"nested\": {\"deep\": [1]}}", "\"\"", "\"   \"" };
    private static final String[] NUMBERS = { "\"12\"", "\"-12\"", "\" 7 \"", "\"0x10\"", "\"1e3\"", "-1", "0",
            "-9223372036854775808", "9223372036854775807", "9223372036854775808", "1e400", "-1e400",
            "123456789012345678901234567890", "1.0", "0.0001", "\"\"" };
    private static final String[] MALFORMED_UUIDS = { "\"not-a-uuid\"", "\"../../etc/passwd\"",
            "\"00000000-0000-0000-0000-000000000000\"", "\"OpaqueRef:NULL\"", "\"%00\"", "\"' OR 1=1 --\"",
            "\"<script>alert(1)</script>\"", "\"${jndi:ldap://127.0.0.1/x}\"", "\"{{7*7}}\"",
            "\"AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEEE\"", "\"users/xen:root\"", "\"groups/../users\"" };
    private static final String[] CHARACTERS = { "a\\u0000b", "\\u0001", "x\\u001b[31my", "line\\nbreak",
            "tab\\there", "\\u007f", "\\u0085", "\\u202eevil", "\\ud800", "\\udc00x", "\\uffff", "\\ufeffbom",
            "e\\u0301", "\\ud83d\\ude00", "名前", "Zoë", "\\u200b", "%00", "\\\\x00" };

    private final Random random;
    private final List<RouteTable.Route> routes;
    private final List<Caller> callers;

    public BadRequests(long seed, List<RouteTable.Route> routes, List<Caller> callers) {
        this.random = new Random(seed);
        this.routes = routes;
        this.callers = callers;
    }

    public List<Request> generate() {
        List<Request> requests = new ArrayList<>();
        for (RouteTable.Route route : routes) {
            Spec spec = RouteArguments.of(route.path());
            String path = route.prefix() ? route.path() + randomToken() : route.path();
            for (Caller caller : callers) {
                forRoute(requests, route, spec, path, caller);
            }
        }
        return requests;
    }

    private void forRoute(List<Request> out, RouteTable.Route route, Spec spec, String path, Caller caller) {
        boolean get = spec.method().equals("GET");
        if (route.path().equals("/logout") && !caller.cookieHeaders().isEmpty()) {
            // a served /logout with the caller's session would end it: only other methods, without a session
            for (String method : METHODS) {
                if (!method.equals("GET")) {
                    out.add(new Request("method not served", method, path, Map.of("Content-Type",
                            "application/json"), "{}".getBytes(StandardCharsets.UTF_8), 0));
                }
            }
            return;
        }
        Map<String, String> session = random.nextBoolean() ? caller.cookieHeaders() : caller.bearerHeaders();
        for (String method : METHODS) {
            if (!method.equals(spec.method())) {
                out.add(new Request("method not served", method, path, json(session),
                        method.equals("GET") ? null : bytes(valid(spec)), 0));
            }
        }
        for (int i = 0; i < 3; i++) {
            out.add(body(spec, path, session, "malformed JSON", pick(MALFORMED)));
        }
        for (int i = 0; i < 2; i++) {
            out.add(body(spec, path, session, "JSON of the wrong type", pick(WRONG_TYPES)));
        }
        List<Arg> required = spec.args().stream().filter(Arg::required).toList();
        for (int i = 0; i < Math.min(3, required.size()); i++) {
            Map<String, String> values = validValues(spec);
            values.remove(required.get(random.nextInt(required.size())).name());
            out.add(args(spec, path, session, "missing argument", values));
        }
        if (spec.args().isEmpty()) {
            // still send arguments nobody asked for: they must be ignored or refused, never crash
            out.add(args(spec, path, session, "unexpected argument", Map.of("uuid", pick(MALFORMED_UUIDS))));
        }
        for (Arg arg : sample(spec.args(), 3)) {
            out.add(with(spec, path, session, "ill-typed argument", arg, pick(ILL_TYPED)));
        }
        List<Arg> numeric = spec.args().stream().filter(arg -> arg.kind() == Kind.INTEGER).toList();
        for (int i = 0; i < 2; i++) {
            Arg arg = numeric.isEmpty() ? pickArg(spec) : numeric.get(random.nextInt(numeric.size()));
            out.add(with(spec, path, session, "numbers", arg, pick(NUMBERS)));
        }
        List<Arg> objects = spec.args().stream().filter(arg -> arg.kind() == Kind.UUID || arg.kind() == Kind.ID)
                .toList();
        for (int i = 0; i < 2; i++) {
            Arg arg = objects.isEmpty() ? pickArg(spec) : objects.get(random.nextInt(objects.size()));
            String value = i == 0 ? quote(new UUID(random.nextLong(), random.nextLong()).toString())
                    : pick(MALFORMED_UUIDS);
            out.add(with(spec, path, session, i == 0 ? "unknown UUID" : "malformed UUID", arg, value));
        }
        out.add(with(spec, path, session, "100 KB string", pickArg(spec), quote("s".repeat(100 * 1024))));
        for (int i = 0; i < 2; i++) {
            out.add(with(spec, path, session, "control and unicode characters", pickArg(spec),
                    "\"" + pick(CHARACTERS) + "\""));
        }
        out.add(badEncoding(spec, path, session, get));
        out.add(oversized(spec, path, session));
        if (caller.cookieHeaders().isEmpty()) {
            out.add(new Request("forged session", spec.method(), path, forgedSession(),
                    get ? null : bytes(valid(spec)), 0));
        }
    }

    private Request body(Spec spec, String path, Map<String, String> session, String category, String body) {
        String method = spec.method().equals("GET") ? "POST" : spec.method();
        return new Request(category, method, path, json(session), bytes(body), 0);
    }

    private Request args(Spec spec, String path, Map<String, String> session, String category,
            Map<String, String> values) {
        if (spec.method().equals("GET")) {
            StringBuilder query = new StringBuilder();
            values.forEach((name, value) -> query.append(query.length() == 0 ? "?" : "&").append(name).append('=')
                    .append(percent(unquote(value))));
            return new Request(category, "GET", path + query, session, null, 0);
        }
        StringBuilder body = new StringBuilder("{");
        values.forEach((name, value) -> body.append(body.length() > 1 ? ", " : "").append('"').append(name)
                .append("\": ").append(value));
        return new Request(category, spec.method(), path, json(session), bytes(body.append('}').toString()), 0);
    }

    private Request with(Spec spec, String path, Map<String, String> session, String category, Arg arg,
            String value) {
        Map<String, String> values = validValues(spec);
        values.put(arg.name(), value);
        return args(spec, path, session, category, values);
    }

    private Request badEncoding(Spec spec, String path, Map<String, String> session, boolean get) {
        Map<String, String> headers = new LinkedHashMap<>(session);
        switch (random.nextInt(7)) {
            case 0:
                headers.put("Content-Type", "application/json");
                // invalid UTF-8: a lone continuation byte, an overlong NUL, a truncated sequence
                return new Request("bad encoding: invalid UTF-8 body", "POST", path, headers,
                        concat(bytes("{\"uuid\": \""), new byte[] { (byte) 0x80, (byte) 0xC0, (byte) 0x80,
                                (byte) 0xE2, (byte) 0x82 }, bytes("\"}")),
                        0);
            case 1:
                return new Request("bad encoding: percent-encoding in the query", "GET", path + "?%zz=1&page=%", session,
                        null, 0);
            case 2:
                return new Request("bad encoding: percent-encoding in the path", "GET", path + "%zz", session, null,
                        0);
            case 3:
                headers.put("Content-Type", "application/json; charset=x-bogus");
                return new Request("bad encoding: unknown charset", "POST", path, headers, bytes(valid(spec)), 0);
            case 4:
                headers.put("Content-Type", "application/x-www-form-urlencoded");
                return new Request("bad encoding: form instead of JSON", "POST", path, headers,
                        bytes("uuid=%zz&username=a%00b"), 0);
            case 5:
                headers.put("Content-Type", "application/json");
                return new Request("bad encoding: UTF-16 body", "POST", path, headers,
                        valid(spec).getBytes(StandardCharsets.UTF_16), 0);
            default:
                return new Request("bad encoding: raw bytes in the request target", "GET",
                        path + "?page=\u00ff\u00fe", session, null, 0);
        }
    }

    private Request oversized(Spec spec, String path, Map<String, String> session) {
        Map<String, String> headers = json(session);
        switch (random.nextInt(5)) {
            case 0:
                // announced larger than Quarkus' 10 MB limit; only the start is sent: the answer comes first
                headers.put("Content-Length", Integer.toString(11 * 1024 * 1024));
                return new Request("oversized body (Content-Length)", "POST", path, headers,
                        bytes("{\"uuid\": \"" + "x".repeat(32 * 1024)), 413);
            case 1:
                headers.put("Transfer-Encoding", "chunked");
                return new Request("oversized body (chunked)", "POST", path, headers, chunked(300 * 1024), 413);
            case 2:
                return new Request("oversized URI", spec.method(), path + "?q=" + "u".repeat(100 * 1024), session,
                        null, 414);
            case 3:
                Map<String, String> big = new LinkedHashMap<>(session);
                big.put("X-Padding", "h".repeat(100 * 1024));
                return new Request("oversized header", spec.method(), path, big, null, 431);
            default:
                Map<String, String> many = new LinkedHashMap<>(session);
                for (int i = 0; i < 2000; i++) {
                    many.put("X-Many-" + i, "v" + i);
                }
                return new Request("oversized header block (2000 headers)", spec.method(), path, many, null, 431);
        }
    }

    private Map<String, String> forgedSession() {
        String token = "eyJhbGciOiJub25lIn0." + randomToken() + ".";
        return switch (random.nextInt(4)) {
            case 0 -> Map.of("Authorization", "Bearer " + token);
            case 1 -> Map.of("Cookie", "vmemperor_session=" + token);
            case 2 -> Map.of("Authorization", "Basic cm9vdDpzZWNyZXQ=");
            default -> Map.of("Authorization", "Bearer " + "A".repeat(4000));
        };
    }

    // --- well-formed values, broken one at a time above ---

    private String valid(Spec spec) {
        StringBuilder body = new StringBuilder("{");
        validValues(spec).forEach((name, value) -> body.append(body.length() > 1 ? ", " : "").append('"')
                .append(name).append("\": ").append(value));
        return body.append('}').toString();
    }

    private Map<String, String> validValues(Spec spec) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Arg arg : spec.args()) {
            values.put(arg.name(), switch (arg.kind()) {
                case UUID -> quote(new UUID(random.nextLong(), random.nextLong()).toString());
                case ID -> quote("suite-no-such-" + randomToken());
                case NAME -> quote("suite-" + randomToken());
                case SECRET -> quote("suite-password-" + randomToken());
                case INTEGER -> Integer.toString(1 + random.nextInt(64));
                case BOOLEAN -> Boolean.toString(random.nextBoolean());
                case CHOICE -> quote(arg.choices().get(random.nextInt(arg.choices().size())));
                case LIST -> "[" + quote(new UUID(random.nextLong(), random.nextLong()).toString()) + "]";
            });
        }
        return values;
    }

    private Arg pickArg(Spec spec) {
        return spec.args().isEmpty() ? Arg.of("uuid", Kind.UUID) : spec.args().get(random.nextInt(spec.args().size()));
    }

    private List<Arg> sample(List<Arg> args, int count) {
        List<Arg> copy = new ArrayList<>(args);
        Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(count, copy.size()));
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String randomToken() {
        return Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    }

    private static Map<String, String> json(Map<String, String> session) {
        Map<String, String> headers = new LinkedHashMap<>(session);
        headers.put("Content-Type", "application/json");
        return headers;
    }

    private static byte[] chunked(int size) {
        StringBuilder body = new StringBuilder();
        String chunk = "y".repeat(8 * 1024);
        for (int sent = 0; sent < size; sent += chunk.length()) {
            body.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        return bytes(body.append("0\r\n\r\n").toString());
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }

    private static String unquote(String value) {
        return value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2
                ? value.substring(1, value.length() - 1)
                : value;
    }

    private static String percent(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
