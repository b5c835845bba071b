package org.vmemperor.playbook.catalog;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A variable a playbook declares in its {@code vmemperor.conf}: what /playbooks shows and what /executeplaybook
 * accepts for it.
 *
 * @param description human-readable
 * @param type {@code str}, {@code int}, {@code bool} or {@code option}
 * @param value the default (from vmemperor.conf, else host_vars/all, else group_vars/all), or {@code null}
 * @param options for type {@code option}: the allowed values, each with a description
 */
public record PlaybookVariable(String description, Type type, JsonNode value, ObjectNode options) {

    public enum Type {
        STR,
        INT,
        BOOL,
        OPTION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Type> parse(String name) {
            for (Type type : values()) {
                if (type.wireName().equals(name)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The value as the playbook receives it, when {@code given} has this variable's type: a JSON string for str, an
     * integer (or a string of digits, as forms send) for int, a boolean (or "true"/"false") for bool, one of the
     * option names for option. Empty when it does not fit.
     */
    public Optional<JsonNode> coerce(JsonNode given) {
        if (given == null || given.isNull()) {
            return Optional.empty();
        }
        return switch (type) {
            case STR -> given.isTextual() ? Optional.of(given) : Optional.empty();
            case INT -> {
                if (given.isIntegralNumber() && given.canConvertToLong()) {
                    yield Optional.of(LongNode.valueOf(given.longValue()));
                }
                if (given.isTextual() && given.textValue().trim().matches("-?\\d{1,18}")) {
                    yield Optional.of(LongNode.valueOf(Long.parseLong(given.textValue().trim())));
                }
                yield Optional.empty();
            }
            case BOOL -> {
                if (given.isBoolean()) {
                    yield Optional.of(given);
                }
                if (given.isTextual() && ("true".equalsIgnoreCase(given.textValue())
                        || "false".equalsIgnoreCase(given.textValue()))) {
                    yield Optional.of(BooleanNode.valueOf(Boolean.parseBoolean(given.textValue())));
                }
                yield Optional.empty();
            }
            case OPTION -> {
                // YAML option names like true/false are read as text keys; accept the JSON value of the same text
                if (!(given.isValueNode()) || options == null) {
                    yield Optional.empty();
                }
                String text = given.asText();
                yield options.has(text) ? Optional.of(TextNode.valueOf(text)) : Optional.empty();
            }
        };
    }

    /** What a client must send, for error messages. */
    public String expected() {
        return switch (type) {
            case STR -> "a string";
            case INT -> "an integer";
            case BOOL -> "a boolean";
            case OPTION -> "one of " + (options == null ? "[]" : String.join(", ", (Iterable<String>) options::fieldNames));
        };
    }
}
