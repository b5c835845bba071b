package org.vmemperor.standalone;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings the standalone must know before Quarkus starts (so they cannot come from Quarkus' config): each is a
 * system property or its environment-variable form ({@code vmemperor.data-dir} or {@code VMEMPEROR_DATA_DIR}).
 *
 * @param poolUrl {@code vmemperor.xenapi.url}: a real pool; when absent the simulator is started
 * @param poolPassword {@code vmemperor.xenapi.password}: the pool's root password (also the simulator's), default
 *        {@code vmemperor}
 * @param databaseUrl {@code quarkus.datasource.jdbc.url} or {@code DB_URL}: when absent, an embedded PostgreSQL
 * @param dataDirectory {@code vmemperor.data-dir}: embedded database and simulator state, default
 *        {@code ./vmemperor-data}
 * @param simulatorPort {@code vmemperor.simulator.port}: where the simulator listens for outside XenAPI clients; 0 = a
 *        free port (logged)
 * @param simulatorVms {@code vmemperor.simulator.vms}: ordinary VMs in the demo pool, default 3
 * @param simulatorInstallSeconds {@code vmemperor.simulator.install-seconds}: the simulated installer's duration,
 *        default 20
 * @param tokenKeysConfigured whether {@code vmemperor.security.public-key-location}, {@code private-key-location} or
 *        {@code key-directory} is given; otherwise the session-token key is kept in the data directory
 */
record StandaloneSettings(Optional<String> poolUrl, String poolPassword, Optional<String> databaseUrl,
        Path dataDirectory, int simulatorPort, int simulatorVms, int simulatorInstallSeconds,
        boolean tokenKeysConfigured) {

    static final String DEFAULT_POOL_PASSWORD = "vmemperor";

    static StandaloneSettings fromEnvironment() {
        return new StandaloneSettings(
                setting("vmemperor.xenapi.url"),
                setting("vmemperor.xenapi.password").orElse(DEFAULT_POOL_PASSWORD),
                setting("quarkus.datasource.jdbc.url").or(() -> setting("DB_URL")),
                Path.of(setting("vmemperor.data-dir").orElse("vmemperor-data")).toAbsolutePath(),
                integer("vmemperor.simulator.port", 0),
                integer("vmemperor.simulator.vms", 3),
                integer("vmemperor.simulator.install-seconds", 20),
                setting("vmemperor.security.public-key-location").or(() -> setting(
                        "vmemperor.security.private-key-location"))
                        .or(() -> setting("vmemperor.security.key-directory")).isPresent());
    }

    private static Optional<String> setting(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static int integer(String name, int fallback) {
        return setting(name).map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer, not '" + value + "'");
            }
        }).orElse(fallback);
    }
}
