package org.vmemperor.vm.install;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.vmemperor.common.xenapi.XenObject;

/**
 * What an unattended install installs: the OS family and its release (a Debian/Ubuntu codename such as
 * {@code bookworm} or {@code jammy}; a CentOS major version such as {@code 7}).
 */
public record InstallTarget(OsKind kind, String release) {

    private static final Pattern REFERENCE_LABEL = Pattern.compile("^(debian|ubuntu|centos)(?:-([0-9][0-9.]*))?.*$");
    private static final Pattern CODENAME = Pattern.compile("^[a-z]{2,20}$");
    private static final Pattern RHEL_KEY = Pattern.compile("^rhel([0-9]{1,2})$");

    private static final Map<String, String> DEBIAN_CODENAMES = Map.of("7", "wheezy", "8", "jessie", "9", "stretch",
            "10", "buster", "11", "bullseye", "12", "bookworm", "13", "trixie");
    private static final Map<String, String> UBUNTU_CODENAMES = Map.of("14.04", "trusty", "16.04", "xenial",
            "18.04", "bionic", "20.04", "focal", "22.04", "jammy", "24.04", "noble");

    /** Releases assumed when neither other_config nor the reference label names one. */
    static final String DEFAULT_DEBIAN = "bookworm";
    static final String DEFAULT_UBUNTU = "jammy";
    static final String DEFAULT_CENTOS = "7";

    public InstallTarget {
        if (kind == null || release == null || release.isBlank()) {
            throw new IllegalArgumentException("an install target needs a kind and a release");
        }
    }

    /**
     * The target of a cached template record, or empty when it has no unattended install: only PV templates (booted
     * by eliloader, which fetches the network installer) qualify, as in the original.
     */
    public static Optional<InstallTarget> of(XenObject template) {
        boolean pv = template.string("HVM_boot_policy").isEmpty();
        return detect(template.stringMap("other_config"), template.string("reference_label"), pv);
    }

    /**
     * The kind comes from {@code other_config["os_kind"]}, else from the reference label's prefix (ubuntu, debian,
     * centos); the release from {@code other_config["debian-release"]} / {@code rhel<N>} keys, else from the
     * reference label's version ({@code debian-12}, {@code ubuntu-22.04}, {@code centos-7}).
     */
    public static Optional<InstallTarget> detect(Map<String, String> otherConfig, String referenceLabel, boolean pv) {
        if (!pv) {
            return Optional.empty();
        }
        String label = referenceLabel == null ? "" : referenceLabel.trim().toLowerCase(Locale.ROOT);
        Matcher labelMatch = REFERENCE_LABEL.matcher(label);
        Optional<OsKind> kind = OsKind.fromWireName(otherConfig.get("os_kind"));
        if (kind.isEmpty() && labelMatch.matches()) {
            kind = OsKind.fromWireName(labelMatch.group(1));
        }
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        String labelVersion = labelMatch.matches() && labelMatch.group(1).equals(kind.get().wireName())
                ? labelMatch.group(2)
                : null;
        return Optional.of(new InstallTarget(kind.get(), release(kind.get(), otherConfig, labelVersion)));
    }

    private static String release(OsKind kind, Map<String, String> otherConfig, String labelVersion) {
        switch (kind) {
            case DEBIAN, UBUNTU -> {
                String configured = otherConfig.getOrDefault("debian-release", "").trim().toLowerCase(Locale.ROOT);
                if (CODENAME.matcher(configured).matches()) {
                    return configured;
                }
                Map<String, String> codenames = kind == OsKind.DEBIAN ? DEBIAN_CODENAMES : UBUNTU_CODENAMES;
                if (labelVersion != null && codenames.containsKey(labelVersion)) {
                    return codenames.get(labelVersion);
                }
                return kind == OsKind.DEBIAN ? DEFAULT_DEBIAN : DEFAULT_UBUNTU;
            }
            default -> {
                for (Map.Entry<String, String> entry : otherConfig.entrySet()) {
                    Matcher rhel = RHEL_KEY.matcher(entry.getKey());
                    if (rhel.matches() && "true".equalsIgnoreCase(entry.getValue().trim())) {
                        return rhel.group(1);
                    }
                }
                if (labelVersion != null && !labelVersion.isEmpty()) {
                    return labelVersion.split("\\.")[0];
                }
                return DEFAULT_CENTOS;
            }
        }
    }

    /**
     * The major version as a number for release-specific bits (Debian/Ubuntu codenames map to their version, e.g.
     * bookworm 12, jammy 22); 0 when unknown.
     */
    public int majorVersion() {
        if (kind == OsKind.CENTOS) {
            try {
                return Integer.parseInt(release);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        Map<String, String> codenames = kind == OsKind.DEBIAN ? DEBIAN_CODENAMES : UBUNTU_CODENAMES;
        for (Map.Entry<String, String> entry : codenames.entrySet()) {
            if (entry.getValue().equals(release)) {
                return Integer.parseInt(entry.getKey().split("\\.")[0]);
            }
        }
        return 0;
    }
}
