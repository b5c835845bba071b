package org.vmemperor.playbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.vmemperor.playbook.config.PlaybookConfig;

/** vmemperor.playbooks.networks: CIDR matching, literal addresses only, refusal of bad entries and of an empty list. */
class AllowedNetworksTest {

    @Test
    void matchesAddressesInsideTheNetworksOnly() {
        AllowedNetworks networks = new AllowedNetworks(config(List.of("127.0.0.0/8", "10.1.2.0/24", "192.168.5.7")));
        assertThat(networks.allows("127.0.0.1")).isTrue();
        assertThat(networks.allows("127.255.255.254")).isTrue();
        assertThat(networks.allows("10.1.2.200")).isTrue();
        assertThat(networks.allows("10.1.3.1")).isFalse();
        assertThat(networks.allows("192.168.5.7")).isTrue();
        assertThat(networks.allows("192.168.5.8")).isFalse();
        assertThat(networks.allows("128.0.0.1")).isFalse();
        // never resolved: names and malformed or IPv6 addresses are simply not allowed
        assertThat(networks.allows("localhost")).isFalse();
        assertThat(networks.allows("127.0.0.1.example.org")).isFalse();
        assertThat(networks.allows("127.0.0.256")).isFalse();
        assertThat(networks.allows("::1")).isFalse();
        assertThat(networks.allows(null)).isFalse();
    }

    @Test
    void anEmptyListAllowsNothingAndABadEntryIsRefused() {
        assertThat(new AllowedNetworks(config(List.of())).allows("127.0.0.1")).isFalse();
        assertThat(new AllowedNetworks(config(List.of("0.0.0.0/0"))).allows("8.8.8.8")).isTrue();
        assertThatThrownBy(() -> new AllowedNetworks(config(List.of("10.0.0.0/33"))))
                .hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> new AllowedNetworks(config(List.of("example.org/8"))))
                .hasMessageContaining("example.org/8");
    }

    private static PlaybookConfig config(List<String> networks) {
        return new PlaybookConfig() {
            public Path dir() {
                return Path.of("ansible");
            }

            public Path logsDir() {
                return Path.of("ansible-logs");
            }

            public Path workDir() {
                return Path.of("work");
            }

            public Optional<List<String>> networks() {
                return Optional.of(networks);
            }

            public Path sshPrivateKeyFile() {
                return Path.of("id_rsa");
            }

            public int sshPort() {
                return 22;
            }

            public String ansiblePlaybook() {
                return "ansible-playbook";
            }

            public Duration timeout() {
                return Duration.ofHours(1);
            }

            public int maxConcurrentRuns() {
                return 2;
            }

            public int maxQueuedRuns() {
                return 100;
            }

            public Optional<String> nodeName() {
                return Optional.empty();
            }

            public Duration heartbeatInterval() {
                return Duration.ofSeconds(10);
            }

            public Duration staleAfter() {
                return Duration.ofMinutes(2);
            }
        };
    }
}
