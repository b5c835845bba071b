package org.vmemperor.common.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.core.MultivaluedHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmemperor.common.error.ApiException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ArgsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void assertBadRequest(Runnable read, String message) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.body().status()).isEqualTo("bad request");
            assertThat(e.body().message()).contains(message);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = { "a\\u0000b", "a\\u0007b", "line\\nbreak", "tab\\there", "esc\\u001b[31m", "del\\u007f",
            "c1\\u0085" })
    void controlCharactersAreRejectedWhereverTheyAre(String escaped) {
        String value = "\"" + escaped + "\"";
        assertBadRequest(() -> Args.of(json("{\"username\": " + value + "}")),
                "argument 'username' must not contain control characters");
        // whether or not a route reads it, nested, or as an argument name
        assertBadRequest(() -> Args.of(json("{\"unused\": [1, {\"k\": " + value + "}]}")), "argument 'unused'");
        assertBadRequest(() -> Args.of(json("{" + value + ": 1}")), "argument names");
        MultivaluedHashMap<String, String> query = new MultivaluedHashMap<>();
        query.add("page", json(value).textValue());
        assertBadRequest(() -> Args.ofQuery(query), "argument 'page' must not contain control characters");
    }

    @Test
    void unpairedSurrogatesAreRejectedAndOtherUnicodeKept() {
        assertBadRequest(() -> Args.of(json("{\"name\": \"a\\ud800b\"}")), "valid Unicode");
        assertBadRequest(() -> Args.of(json("{\"name\": \"a\\udc00\"}")), "valid Unicode");
        String unicode = "Zoë 名前 \uD83D\uDE00 \u200B";
        assertThat(Args.of(JSON.createObjectNode().put("name", unicode)).string("name")).isEqualTo(unicode);
    }

    @Test
    void everyStringIsBounded() {
        String longest = "x".repeat(Args.MAX_LENGTH);
        assertThat(Args.of(JSON.createObjectNode().put("username", longest)).string("username")).isEqualTo(longest);
        Args tooLong = Args.of(JSON.createObjectNode().put("username", longest + "x"));
        assertBadRequest(() -> tooLong.string("username"),
                "argument 'username' must be at most " + Args.MAX_LENGTH + " characters");
        assertBadRequest(() -> tooLong.optionalString("username"), "must be at most");
        // a route may allow more
        assertThat(tooLong.string("username", 512)).hasSize(Args.MAX_LENGTH + 1);
        Args list = Args.of(json("{\"users\": [\"" + longest + "x\"]}"));
        assertBadRequest(() -> list.stringList("users"), "argument 'users' must be at most");
        // whatever a route reads, nothing beyond MAX_ANY_LENGTH passes the parser
        String huge = "y".repeat(Args.MAX_ANY_LENGTH + 1);
        assertBadRequest(() -> Args.of(JSON.createObjectNode().put("unused", huge)),
                "argument 'unused' must be at most " + Args.MAX_ANY_LENGTH);
        assertBadRequest(() -> Args.of(JSON.createObjectNode().put(huge, 1)), "argument names must be at most");
    }
}
