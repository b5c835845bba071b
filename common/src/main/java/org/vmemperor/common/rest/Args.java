package org.vmemperor.common.rest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;

import org.vmemperor.common.error.ApiException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The arguments of one request: the JSON object of a POST body, or the query parameters of a GET. Every accessor
 * validates presence and type and answers 400 naming the argument, so resources never see a half-typed value.
 * <p>
 * Every string of the arguments, at any depth and names included, is checked once here when they are read: control
 * characters (NUL, which PostgreSQL refuses, but also line breaks and escapes that would end up in logs, PV_args or
 * answer files) and strings longer than {@link #MAX_ANY_LENGTH} answer 400. String accessors bound each value to
 * {@link #MAX_LENGTH} characters unless the route asks for another bound, so no value can overflow a column.
 */
public final class Args {

    /** Longest string argument a string accessor accepts unless the route passes its own bound. */
    public static final int MAX_LENGTH = 255;

    /** Longest string anywhere in the arguments (argument names and values of raw or nested arguments included). */
    public static final int MAX_ANY_LENGTH = 4096;

    private final ObjectNode values;

    private Args(ObjectNode values) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = values.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            checkText("argument names", field.getKey());
            checkStrings(field.getKey(), field.getValue());
        }
        this.values = values;
    }

    /** Arguments from a POST body; {@code null} (no body) counts as an empty object. */
    public static Args of(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return new Args(JsonNodeFactory.instance.objectNode());
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return new Args((ObjectNode) body);
    }

    /** Arguments from query parameters (every value a string; the first one wins). */
    public static Args ofQuery(MultivaluedMap<String, String> query) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            if (!entry.getValue().isEmpty()) {
                node.put(entry.getKey(), entry.getValue().get(0));
            }
        }
        return new Args(node);
    }

    public boolean has(String name) {
        JsonNode node = values.get(name);
        return node != null && !node.isNull();
    }

    /** A required non-blank string of at most {@link #MAX_LENGTH} characters. */
    public String string(String name) {
        return string(name, MAX_LENGTH);
    }

    /** A required non-blank string of at most {@code maxLength} characters. */
    public String string(String name, int maxLength) {
        return optionalString(name, maxLength).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalString(String name) {
        return optionalString(name, MAX_LENGTH);
    }

    public Optional<String> optionalString(String name, int maxLength) {
        JsonNode node = values.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest("argument '" + name + "' must be a string");
        }
        String text = node.textValue();
        if (text.isBlank()) {
            throw ApiException.badRequest("argument '" + name + "' must not be empty");
        }
        checkLength(name, text, maxLength);
        return Optional.of(text);
    }

    /** A required boolean: JSON true/false only. */
    public boolean bool(String name) {
        return optionalBool(name).orElseThrow(() -> missing(name));
    }

    /** An optional boolean; GET query strings "true"/"false" are accepted too. */
    public Optional<Boolean> optionalBool(String name) {
        JsonNode node = values.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        if (node.isTextual() && ("true".equalsIgnoreCase(node.textValue()) || "false".equalsIgnoreCase(node.textValue()))) {
            return Optional.of(Boolean.parseBoolean(node.textValue()));
        }
        throw ApiException.badRequest("argument '" + name + "' must be a boolean");
    }

    /** A required integer; a JSON number or a string of digits (forms and query strings send strings). */
    public long integer(String name) {
        return optionalInteger(name).orElseThrow(() -> missing(name));
    }

    public Optional<Long> optionalInteger(String name) {
        JsonNode node = values.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Optional.of(node.longValue());
        }
        if (node.isTextual()) {
            try {
                return Optional.of(Long.parseLong(node.textValue().trim()));
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw ApiException.badRequest("argument '" + name + "' must be an integer");
    }

    /** A required list of non-blank strings. */
    public List<String> stringList(String name) {
        JsonNode node = values.get(name);
        if (node == null || node.isNull()) {
            throw missing(name);
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("argument '" + name + "' must be a list of strings");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.textValue().isBlank()) {
                throw ApiException.badRequest("argument '" + name + "' must be a list of strings");
            }
            checkLength(name, item.textValue(), MAX_LENGTH);
            result.add(item.textValue());
        }
        return result;
    }

    /** The raw JSON value, for arguments whose accepted forms are route-specific. */
    public Optional<JsonNode> raw(String name) {
        JsonNode node = values.get(name);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    public Iterator<String> names() {
        return values.fieldNames();
    }

    private static void checkStrings(String name, JsonNode node) {
        if (node.isTextual()) {
            checkText("argument '" + name + "'", node.textValue());
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                checkText("argument '" + name + "'", field.getKey());
                checkStrings(name, field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                checkStrings(name, item);
            }
        }
    }

    /** Control characters (Unicode category Cc) and unpaired surrogates, which no argument has a use for. */
    private static void checkText(String what, String text) {
        if (text.length() > MAX_ANY_LENGTH) {
            throw ApiException.badRequest(what + " must be at most " + MAX_ANY_LENGTH + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                throw ApiException.badRequest(what + " must not contain control characters");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    throw ApiException.badRequest(what + " must be valid Unicode (unpaired surrogate)");
                }
                i++;
            }
        }
    }

    private static void checkLength(String name, String text, int maxLength) {
        if (text.length() > maxLength) {
            throw ApiException.badRequest("argument '" + name + "' must be at most " + maxLength + " characters");
        }
    }

    private static ApiException missing(String name) {
        return ApiException.badRequest("missing argument '" + name + "'");
    }
}
