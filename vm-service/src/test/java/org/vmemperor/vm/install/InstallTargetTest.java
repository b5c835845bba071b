package org.vmemperor.vm.install;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class InstallTargetTest {

    @Test
    void detectsFromTheReferenceLabel() {
        assertEquals(Optional.of(new InstallTarget(OsKind.DEBIAN, "buster")),
                InstallTarget.detect(Map.of(), "debian-10", true));
        assertEquals(Optional.of(new InstallTarget(OsKind.UBUNTU, "jammy")),
                InstallTarget.detect(Map.of(), "ubuntu-22.04", true));
        assertEquals(Optional.of(new InstallTarget(OsKind.CENTOS, "8")),
                InstallTarget.detect(Map.of(), "centos-8", true));
    }

    @Test
    void otherConfigWins() {
        assertEquals(Optional.of(new InstallTarget(OsKind.UBUNTU, "focal")),
                InstallTarget.detect(Map.of("os_kind", "ubuntu", "debian-release", "focal"), "", true));
        assertEquals(Optional.of(new InstallTarget(OsKind.DEBIAN, "bookworm")),
                InstallTarget.detect(Map.of("os_kind", "Debian", "debian-release", "bookworm"), "debian-9", true));
        assertEquals(Optional.of(new InstallTarget(OsKind.CENTOS, "7")),
                InstallTarget.detect(Map.of("rhel7", "true"), "centos-8", true));
        assertEquals(Optional.of(new InstallTarget(OsKind.DEBIAN, InstallTarget.DEFAULT_DEBIAN)),
                InstallTarget.detect(Map.of("os_kind", "debian"), "", true));
    }

    @Test
    void onlyPvTemplatesOfKnownDistributions() {
        assertEquals(Optional.empty(), InstallTarget.detect(Map.of("os_kind", "ubuntu"), "ubuntu-20.04", false));
        assertEquals(Optional.empty(), InstallTarget.detect(Map.of(), "", true));
        assertEquals(Optional.empty(), InstallTarget.detect(Map.of("os_kind", "windows"), "windows-10", true));
    }

    @Test
    void knowsMajorVersions() {
        assertEquals(12, new InstallTarget(OsKind.DEBIAN, "bookworm").majorVersion());
        assertEquals(18, new InstallTarget(OsKind.UBUNTU, "bionic").majorVersion());
        assertEquals(7, new InstallTarget(OsKind.CENTOS, "7").majorVersion());
        assertEquals(0, new InstallTarget(OsKind.DEBIAN, "sid").majorVersion());
    }
}
