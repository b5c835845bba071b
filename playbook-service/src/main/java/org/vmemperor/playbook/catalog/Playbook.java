package org.vmemperor.playbook.catalog;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One playbook of the playbook directory, as its {@code vmemperor.conf} declares it.
 *
 * @param id the folder's name
 * @param name human-readable name
 * @param description human-readable description
 * @param requires what the target systems must be (shown as written, e.g. {@code os_version}), or {@code null}
 * @param variables declared variables in file order
 * @param inventory a fixed inventory file inside the folder (administrators only), or empty: the run's VMs
 * @param single whether a run takes exactly one VM
 * @param playbook the playbook file inside the folder, relative to it
 * @param dir the folder
 */
public record Playbook(String id, String name, String description, JsonNode requires,
        Map<String, PlaybookVariable> variables, Optional<String> inventory, boolean single, String playbook,
        Path dir) {
}
