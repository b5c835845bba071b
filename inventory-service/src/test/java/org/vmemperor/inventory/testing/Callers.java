package org.vmemperor.inventory.testing;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Test callers: tokens signed directly with {@link TokenSigner} (no access-service here), each test class with its own
 * users and group so the rights one class grants never show in another's lists. Also reads answers with their key
 * order kept, to compare field order with the spec's examples.
 */
public final class Callers {

    public static final UserPrincipal ADMIN = new UserPrincipal("users/xen:root", "root", "root", List.of(), true);

    private static final ObjectMapper JSON = new ObjectMapper();

    private Callers() {
    }

    /** An ordinary user with a fresh id, member of {@code groups}. */
    public static UserPrincipal user(String name, String... groups) {
        return new UserPrincipal("users/" + UUID.randomUUID(), name, name, List.of(groups), false);
    }

    /** A fresh group principal id. */
    public static String group() {
        return "groups/" + UUID.randomUUID();
    }

    public static RequestSpecification as(TokenSigner signer, UserPrincipal principal) {
        return given().auth().oauth2(signer.sign(principal).token());
    }

    public static RequestSpecification postAs(TokenSigner signer, UserPrincipal principal, Object body) {
        return as(signer, principal).contentType(ContentType.JSON).body(body);
    }

    /** A JSON array of objects with each object's key order kept. */
    public static List<Map<String, Object>> objects(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<LinkedHashMap<String, Object>>>() {
            }).stream().map(map -> (Map<String, Object>) map).toList();
        } catch (JsonProcessingException e) {
            throw new AssertionError("not a JSON array of objects: " + json, e);
        }
    }

    /** A JSON object with its key order kept. */
    public static Map<String, Object> object(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new AssertionError("not a JSON object: " + json, e);
        }
    }

    public static List<String> keys(Map<String, Object> object) {
        return new ArrayList<>(object.keySet());
    }

    /** The entry with this uuid, or null. */
    public static Map<String, Object> withUuid(List<Map<String, Object>> entries, String uuid) {
        return entries.stream().filter(entry -> uuid.equals(entry.get("uuid"))).findFirst().orElse(null);
    }
}
