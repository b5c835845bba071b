package org.vmemperor.vm.install;

import java.util.Locale;
import java.util.Optional;

/**
 * The families of unattended install VMEmperor knows: Debian and Ubuntu through a preseed file, CentOS through a
 * kickstart file. The wire name is what templates carry in {@code other_config["os_kind"]} and what /tmpllist shows.
 */
public enum OsKind {
    DEBIAN("debian", "debianlike", "install/debian.preseed"),
    UBUNTU("ubuntu", "debianlike", "install/ubuntu.preseed"),
    CENTOS("centos", "rhlike", "install/centos.ks");

    private final String wireName;
    private final String installDistro;
    private final String template;

    OsKind(String wireName, String installDistro, String template) {
        this.wireName = wireName;
        this.installDistro = installDistro;
        this.template = template;
    }

    /** The name in templates' other_config and in API answers: debian, ubuntu, centos. */
    public String wireName() {
        return wireName;
    }

    /** XenServer's {@code other_config["install-distro"]}, which tells eliloader which installer kernel to fetch. */
    public String installDistro() {
        return installDistro;
    }

    /** The Qute template id of this kind's answer file. */
    String template() {
        return template;
    }

    /** Whether the installer reads a preseed file (Debian's installer) rather than a kickstart file. */
    public boolean usesPreseed() {
        return this != CENTOS;
    }

    /** The kind for a wire name (case-insensitive), or empty for anything else. */
    public static Optional<OsKind> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (OsKind kind : values()) {
            if (kind.wireName.equals(wanted)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
