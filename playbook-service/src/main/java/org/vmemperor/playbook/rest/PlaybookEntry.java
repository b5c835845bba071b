package org.vmemperor.playbook.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import org.vmemperor.playbook.catalog.Playbook;
import org.vmemperor.playbook.catalog.PlaybookVariable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/** One element of GET /playbooks, in the spec's shape ({@code id} is the folder's name). */
@JsonPropertyOrder({ "name", "description", "requires", "variables", "inventory", "single", "id" })
public record PlaybookEntry(String name, String description, JsonNode requires, Map<String, Variable> variables,
        String inventory, boolean single, String id) {

    /** A declared variable; {@code options} only for type option. */
    @JsonPropertyOrder({ "description", "type", "options", "value" })
    public record Variable(String description, String type,
            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode options, JsonNode value) {
    }

    public static PlaybookEntry of(Playbook playbook) {
        Map<String, Variable> variables = new LinkedHashMap<>();
        for (Map.Entry<String, PlaybookVariable> entry : playbook.variables().entrySet()) {
            PlaybookVariable variable = entry.getValue();
            variables.put(entry.getKey(), new Variable(variable.description(), variable.type().wireName(),
                    variable.options(), variable.value()));
        }
        return new PlaybookEntry(playbook.name(), playbook.description(), playbook.requires(), variables,
                playbook.inventory().orElse(null), playbook.single(), playbook.id());
    }
}
