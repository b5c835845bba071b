package org.vmemperor.playbook.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.vmemperor.playbook.config.PlaybookConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Writes a run's files into its workspace and builds the {@code ansible-playbook} command: an inventory with each
 * VM's guest address and {@code ansible_user=root}, the variables as an extra-vars file (never on the command line,
 * where every local user could read them), the configured private key, and SSH options that keep host keys in the
 * run's own known-hosts file (host key checking is off for that file only: the guests are new machines whose keys
 * nobody could have checked) and leave no SSH master connection behind.
 */
final class AnsibleCommand {

    static final String INVENTORY = ".vmemperor-inventory.yml";
    static final String EXTRA_VARS = ".vmemperor-extra-vars.json";
    static final String KNOWN_HOSTS = ".vmemperor-known_hosts";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnsibleCommand() {
    }

    /** Writes the inventory (VM runs) and extra-vars files and answers the process to start in {@code workspace}. */
    static ProcessBuilder prepare(RunPlan plan, Path workspace, PlaybookConfig config) throws IOException {
        String inventory;
        if (plan.playbook().inventory().isPresent()) {
            inventory = plan.playbook().inventory().get();
        } else {
            Files.writeString(workspace.resolve(INVENTORY), YAML.writeValueAsString(inventory(plan, config)));
            inventory = INVENTORY;
        }
        Files.writeString(workspace.resolve(EXTRA_VARS), JSON.writeValueAsString(plan.variables()));
        List<String> command = new ArrayList<>(List.of(config.ansiblePlaybook(), "-i", inventory,
                "--private-key", config.sshPrivateKeyFile().toAbsolutePath().toString(),
                "--extra-vars", "@" + EXTRA_VARS, plan.playbook().playbook()));
        ProcessBuilder process = new ProcessBuilder(command).directory(workspace.toFile());
        Map<String, String> env = process.environment();
        env.put("ANSIBLE_HOST_KEY_CHECKING", "False");
        env.put("ANSIBLE_SSH_ARGS", "-o ControlMaster=no -o IdentitiesOnly=yes -o UserKnownHostsFile="
                + workspace.resolve(KNOWN_HOSTS) + " -o ConnectTimeout=30");
        // ansible's own state (temporary files, control sockets) stays in the workspace too
        env.put("ANSIBLE_HOME", workspace.resolve(".ansible").toString());
        env.put("ANSIBLE_LOCAL_TEMP", workspace.resolve(".ansible").resolve("tmp").toString());
        env.put("ANSIBLE_RETRY_FILES_ENABLED", "False");
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_FORCE_COLOR", "0");
        return process;
    }

    private static ObjectNode inventory(RunPlan plan, PlaybookConfig config) {
        ObjectNode hosts = JsonNodeFactory.instance.objectNode();
        for (RunPlan.Target target : plan.targets()) {
            ObjectNode host = hosts.putObject(target.uuid());
            host.put("ansible_host", target.address());
            host.put("ansible_port", config.sshPort());
            host.put("ansible_user", "root");
            host.put("vmemperor_vm_uuid", target.uuid());
            host.put("vmemperor_vm_name", target.name());
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.putObject("all").set("hosts", hosts);
        return root;
    }
}
