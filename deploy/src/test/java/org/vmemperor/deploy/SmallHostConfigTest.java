package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** deploy/systemd and deploy/nginx/upstreams.conf describe the same small host. */
class SmallHostConfigTest {

    @Test
    void eachServiceListensWhereNginxSendsIt() throws IOException {
        Map<String, String> upstreams = new HashMap<>();
        Matcher m = Pattern.compile("upstream vmemperor_(\\w+)\\s*\\{\\s*server 127\\.0\\.0\\.1:(\\d+);")
                .matcher(Files.readString(ModuleFiles.path("nginx/upstreams.conf")));
        while (m.find()) {
            upstreams.put(m.group(1), m.group(2));
        }
        assertThat(upstreams.keySet()).containsExactlyInAnyOrderElementsOf(RouteTable.SERVICES);
        for (String service : RouteTable.SERVICES) {
            String env = Files.readString(ModuleFiles.path("systemd/" + service + ".env"));
            assertThat(env).as(service).contains("QUARKUS_HTTP_PORT=" + upstreams.get(service) + "\n");
            assertThat(env.contains("VMEMPEROR_SECURITY_PRIVATE_KEY_LOCATION=")).as(service + " holds the signing key")
                    .isEqualTo(service.equals("access"));
        }
        assertThat(upstreams.values()).doesNotHaveDuplicates();
    }

    @Test
    void unitsRunUnprivilegedWithTheSharedConfiguration() throws IOException {
        for (String flavour : new String[] { "jvm", "native" }) {
            String unit = Files.readString(ModuleFiles.path("systemd/vmemperor-" + flavour + "@.service"));
            assertThat(unit).contains("\nUser=vmemperor\n", "\nNoNewPrivileges=yes\n", "\nCapabilityBoundingSet=\n",
                    "\nEnvironmentFile=/etc/vmemperor/vmemperor.env\n", "\nEnvironmentFile=/etc/vmemperor/%i.env\n");
        }
        // playbook runs: allowed networks and the key they log in with; installs authorize its public half
        assertThat(Files.readString(ModuleFiles.path("systemd/playbook.env"))).contains(
                "\nVMEMPEROR_PLAYBOOKS_NETWORKS=",
                "\nVMEMPEROR_PLAYBOOKS_SSH_PRIVATE_KEY_FILE=/etc/vmemperor/guest-ssh/id_ed25519\n");
        assertThat(Files.readString(ModuleFiles.path("systemd/vm.env")))
                .contains("\nVMEMPEROR_INSTALL_SSH_PUBLIC_KEY_FILE=/etc/vmemperor/guest-ssh/id_ed25519.pub\n");
        for (String service : RouteTable.SERVICES) {
            String env = Files.readString(ModuleFiles.path("systemd/" + service + ".env"));
            assertThat(env.contains("SSH_PRIVATE_KEY_FILE=")).as(service + " holds the guests' private key")
                    .isEqualTo(service.equals("playbook"));
        }
        String shared = Files.readString(ModuleFiles.path("systemd/vmemperor.env"));
        assertThat(shared).contains("VMEMPEROR_SECURITY_DEV_KEYS=false", "VMEMPEROR_SECURITY_PUBLIC_KEY_LOCATION=",
                "QUARKUS_HTTP_HOST=127.0.0.1").doesNotContain("PRIVATE_KEY");
    }
}
