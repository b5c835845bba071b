package org.vmemperor.vm.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.vm.install.PartitionScheme.Volume;

class PartitionSchemeTest {

    @Test
    void autoIsTheDefault() {
        assertEquals(PartitionScheme.AUTO, PartitionScheme.parse(null));
        assertEquals(PartitionScheme.AUTO, PartitionScheme.parse(""));
        assertEquals(PartitionScheme.AUTO, PartitionScheme.parse("auto"));
        assertTrue(PartitionScheme.parse("auto").auto());
        assertEquals(0, PartitionScheme.AUTO.requiredMb());
    }

    @Test
    void readsTheOriginalsExample() {
        PartitionScheme scheme = PartitionScheme.parse("/-15359--/home-4097-");
        assertFalse(scheme.auto());
        assertFalse(scheme.gpt());
        assertFalse(scheme.lvm());
        assertEquals(Optional.empty(), scheme.swapMb());
        assertEquals(List.of(new Volume("/", 15359, Optional.empty()), new Volume("/home", 4097, Optional.empty())),
                scheme.volumes());
        assertEquals(15359 + 4097 + 2048, scheme.requiredMb(), "default swap counts");
    }

    @Test
    void readsOptionsSwapAndFilesystems() {
        PartitionScheme scheme = PartitionScheme.parse("gpt-lvm-swap-1024-/boot-512-ext2-/-8192-xfs-/var/log-2048-");
        assertTrue(scheme.gpt());
        assertTrue(scheme.lvm());
        assertEquals(Optional.of(1024), scheme.swapMb());
        assertEquals(List.of(new Volume("/boot", 512, Optional.of("ext2")), new Volume("/", 8192, Optional.of("xfs")),
                new Volume("/var/log", 2048, Optional.empty())), scheme.volumes());
        assertEquals(512 + 8192 + 2048 + 1024 + 1, scheme.requiredMb());

        PartitionScheme autoWithOptions = PartitionScheme.parse("auto-gpt-swap-0");
        assertTrue(autoWithOptions.auto());
        assertTrue(autoWithOptions.gpt());
        assertEquals(Optional.of(0), autoWithOptions.swapMb());
        assertEquals(List.of(new Volume("/", 4096, Optional.empty())), PartitionScheme.parse("mbr-/-4096").volumes());
    }

    @ParameterizedTest
    @ValueSource(strings = { "garbage", "/-abc-", "/-0-", "/home-100-", "/-100-ntfs", "/-100--/-200-", "swap",
            "swap-x", "swap-1-swap-2", "mbr-gpt", "lvm-/-8192-", "/../etc-100-", "/-100--home-100-", "/ -100-",
            "/-100--x", "auto--gpt", "/-99999999999-", "/home/-100-", "/a b-1-" })
    void rejectsGarbageNamingTheArgument(String argument) {
        ApiException error = assertThrows(ApiException.class, () -> PartitionScheme.parse(argument));
        assertEquals(400, error.httpStatus());
        assertTrue(error.body().message().contains("'partition'"), error.body().message());
    }

    @Test
    void rendersAnExpertRecipe() {
        String preseed = PartitionScheme.parse("/-15359--/home-4097-xfs").toPreseed("ext4");
        assertTrue(preseed.contains("d-i partman-auto/method string regular\n"), preseed);
        assertTrue(preseed.contains("d-i partman-auto/expert_recipe string vmemperor ::"), preseed);
        assertTrue(preseed.contains("15359 15359 15359 ext4 $primary{ } $bootable{ } method{ format } format{ }"
                + " use_filesystem{ } filesystem{ ext4 } mountpoint{ / } ."), preseed);
        assertTrue(preseed.contains("4097 4097 4097 xfs $primary{ } method{ format } format{ } use_filesystem{ }"
                + " filesystem{ xfs } mountpoint{ /home } ."), preseed);
        assertTrue(preseed.contains("2048 2048 2048 linux-swap method{ swap } format{ } ."), preseed);
        assertTrue(preseed.contains("d-i partman-auto/choose_recipe select vmemperor"), preseed);

        String lvm = PartitionScheme.parse("gpt-lvm-/boot-512--/-8192-").toPreseed("ext4");
        assertTrue(lvm.contains("d-i partman-auto/method string lvm"), lvm);
        assertTrue(lvm.contains("method{ biosgrub }"), lvm);
        assertTrue(lvm.contains("8192 8192 8192 ext4 $defaultignore{ } $lvmok{ } lv_name{ root }"), lvm);
        assertTrue(lvm.contains("select gpt"), lvm);

        assertTrue(PartitionScheme.AUTO.toPreseed("ext4").contains("d-i partman-auto/choose_recipe select atomic"));
    }

    @Test
    void rendersKickstartLines() {
        String plain = PartitionScheme.parse("/-15359--/home-4097-ext4-swap-1024").toKickstart("xfs");
        assertTrue(plain.contains("part / --size=15359 --fstype=xfs\n"), plain);
        assertTrue(plain.contains("part /home --size=4097 --fstype=ext4\n"), plain);
        assertTrue(plain.contains("part swap --size=1024\n"), plain);
        assertTrue(plain.contains("clearpart --all --initlabel --drives=xvda\n"), plain);

        String lvm = PartitionScheme.parse("lvm-/boot-512--/-8192-").toKickstart("xfs");
        assertTrue(lvm.contains("part /boot --size=512 --fstype=xfs\n"), lvm);
        assertTrue(lvm.contains("volgroup vg0 pv.01\n"), lvm);
        assertTrue(lvm.contains("logvol / --vgname=vg0 --name=root --size=8192 --fstype=xfs\n"), lvm);
        assertTrue(lvm.contains("logvol swap --vgname=vg0 --name=swap --size=2048\n"), lvm);

        assertTrue(PartitionScheme.AUTO.toKickstart("xfs").contains("autopart --type=plain\n"));
    }
}
