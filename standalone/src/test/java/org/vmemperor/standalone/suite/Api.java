package org.vmemperor.standalone.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Well-formed calls to the standalone for setting up and checking the suite's data. */
public final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RawHttp http;

    public Api(RawHttp http) {
        this.http = http;
    }

    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    public static Map<String, String> cookie(String token) {
        return Map.of("Cookie", "vmemperor_session=" + token);
    }

    /** A session token from /login or /adminauth (asked for in the body). */
    public String login(String route, String username, String password) throws IOException {
        JsonNode answer = ok(call("POST", route, Map.of(), Map.of("username", username, "password", password,
                "token", true)));
        return answer.get("token").asText();
    }

    public RawHttp.Answer call(String method, String path, Map<String, String> session, Object body)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(session);
        byte[] bytes = null;
        if (body != null) {
            headers.put("Content-Type", "application/json");
            bytes = JSON.writeValueAsBytes(body);
        }
        return http.send(method, path, headers, bytes);
    }

    public JsonNode get(String path, String token) throws IOException {
        return ok(call("GET", path, bearer(token), null));
    }

    public JsonNode post(String path, String token, Object body) throws IOException {
        return ok(call("POST", path, bearer(token), body));
    }

    public static JsonNode ok(RawHttp.Answer answer) throws IOException {
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    public static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    public static List<String> texts(JsonNode array, String field) {
        return array.findValuesAsText(field);
    }
}
