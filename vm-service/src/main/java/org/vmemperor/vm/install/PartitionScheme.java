package org.vmemperor.vm.install;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.vmemperor.common.error.ApiException;

/**
 * The {@code partition} argument of /createvm: a disk label, plain partitions or LVM, swap, and the volumes to create.
 * The grammar is the original's dash-separated one (see vm-service/README.md, "Unattended installs"):
 *
 * <pre>
 * scheme  = "" | token ("-" token)*
 * token   = "auto" | "mbr" | "gpt" | "lvm" | "swap-" MB | volume
 * volume  = mountpoint "-" MB "-" [filesystem]      e.g. /-15359-  /home-4097-xfs
 * </pre>
 *
 * With no volume the installer's automatic layout is used ({@code auto}, the default). Sizes are MiB.
 */
public record PartitionScheme(boolean gpt, boolean lvm, Optional<Integer> swapMb, List<Volume> volumes) {

    /** A volume: where it is mounted, its size in MiB and its filesystem (empty: the distribution's default). */
    public record Volume(String mountPoint, int sizeMb, Optional<String> filesystem) {
    }

    public static final PartitionScheme AUTO = new PartitionScheme(false, false, Optional.empty(), List.of());

    /** Largest size accepted for one volume or swap: 16 TiB, far beyond any VDI of a real pool. */
    private static final int MAX_MB = 16 * 1024 * 1024;
    /** Swap when volumes are given but no swap size (the original's default). */
    static final int DEFAULT_SWAP_MB = 2048;
    private static final Set<String> FILESYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs");
    /** No dash (the separator), no spaces, no ".." segment: a mount point ends up in shell-free answer-file lines. */
    private static final Pattern MOUNT_POINT = Pattern.compile("^/(?:[A-Za-z0-9_.]+(?:/[A-Za-z0-9_.]+)*)?$");
    private static final Pattern SIZE = Pattern.compile("^[0-9]{1,9}$");

    public PartitionScheme {
        volumes = List.copyOf(volumes);
    }

    /** Whether the installer's automatic layout is used (no volume given). */
    public boolean auto() {
        return volumes.isEmpty();
    }

    /**
     * Parses the argument; {@code null} or blank means {@code auto}. Anything else than the grammar is a 400 naming
     * 'partition' and saying what is wrong.
     */
    public static PartitionScheme parse(String argument) {
        if (argument == null || argument.isBlank()) {
            return AUTO;
        }
        String[] tokens = argument.trim().split("-", -1);
        boolean gpt = false;
        boolean mbr = false;
        boolean lvm = false;
        Optional<Integer> swap = Optional.empty();
        List<Volume> volumes = new ArrayList<>();
        Set<String> mountPoints = new HashSet<>();
        int i = 0;
        while (i < tokens.length) {
            String token = tokens[i].toLowerCase(Locale.ROOT);
            switch (token) {
                case "auto" -> i++;
                case "mbr" -> {
                    mbr = true;
                    i++;
                }
                case "gpt" -> {
                    gpt = true;
                    i++;
                }
                case "lvm" -> {
                    lvm = true;
                    i++;
                }
                case "swap" -> {
                    if (swap.isPresent()) {
                        throw invalid("swap is given twice");
                    }
                    if (i + 1 >= tokens.length) {
                        throw invalid("swap needs a size in MiB, e.g. swap-2048");
                    }
                    swap = Optional.of(size(tokens[i + 1], "swap", true));
                    i += 2;
                }
                default -> {
                    if (token.isEmpty() && i == tokens.length - 1 && i > 0) {
                        // a trailing dash after an option ("lvm-"): tolerated like the filesystem field's
                        i++;
                        continue;
                    }
                    String mountPoint = tokens[i];
                    if (!MOUNT_POINT.matcher(mountPoint).matches() || mountPoint.contains("..")
                            || mountPoint.contains("/./") || mountPoint.endsWith("/.")) {
                        throw invalid("'" + abbreviate(mountPoint)
                                + "' is neither auto, mbr, gpt, lvm, swap-<MiB> nor a mount point such as /home");
                    }
                    if (i + 1 >= tokens.length) {
                        throw invalid("volume " + mountPoint + " needs a size in MiB, e.g. " + mountPoint + "-4096-");
                    }
                    int size = size(tokens[i + 1], mountPoint, false);
                    String fs = i + 2 < tokens.length ? tokens[i + 2].toLowerCase(Locale.ROOT) : "";
                    if (!fs.isEmpty() && !FILESYSTEMS.contains(fs)) {
                        throw invalid("unknown filesystem '" + abbreviate(fs) + "' for " + mountPoint
                                + " (ext2, ext3, ext4, xfs, btrfs, or empty for the default)");
                    }
                    if (!mountPoints.add(mountPoint)) {
                        throw invalid("mount point " + mountPoint + " is given twice");
                    }
                    volumes.add(new Volume(mountPoint, size, fs.isEmpty() ? Optional.empty() : Optional.of(fs)));
                    i += 3;
                }
            }
        }
        if (gpt && mbr) {
            throw invalid("choose either mbr or gpt");
        }
        if (!volumes.isEmpty() && !mountPoints.contains("/")) {
            throw invalid("a custom scheme needs a / volume");
        }
        if (lvm && !volumes.isEmpty() && !mountPoints.contains("/boot")) {
            // pygrub, which boots the installed PV system, cannot read a kernel from a logical volume
            throw invalid("lvm needs a plain /boot volume, e.g. lvm-/boot-512--/-8192-");
        }
        return new PartitionScheme(gpt, lvm, swap, volumes);
    }

    /** The disk space the scheme needs in MiB (volumes and swap), 0 for the automatic layout. */
    public long requiredMb() {
        if (auto()) {
            return 0;
        }
        long total = volumes.stream().mapToLong(Volume::sizeMb).sum() + effectiveSwapMb();
        return gpt ? total + 1 : total;
    }

    private int effectiveSwapMb() {
        return swapMb.orElse(DEFAULT_SWAP_MB);
    }

    /**
     * The partman lines of a preseed file for disk {@code /dev/xvda}: the automatic "atomic" recipe, or an
     * {@code expert_recipe} with fixed-size volumes; {@code defaultFs} fills volumes without a filesystem.
     */
    public String toPreseed(String defaultFs) {
        StringBuilder out = new StringBuilder();
        out.append("d-i partman-auto/disk string /dev/xvda\n");
        out.append("d-i partman-auto/method string ").append(lvm ? "lvm" : "regular").append('\n');
        if (lvm) {
            out.append("d-i partman-auto-lvm/guided_size string max\n");
            out.append("d-i partman-auto-lvm/new_vg_name string vg0\n");
            out.append("d-i partman-auto-lvm/no_boot boolean true\n");
        }
        String label = gpt ? "gpt" : "msdos";
        out.append("d-i partman-partitioning/choose_label select ").append(label).append('\n');
        out.append("d-i partman-partitioning/default_label string ").append(label).append('\n');
        if (auto()) {
            out.append("d-i partman-auto/choose_recipe select atomic\n");
            return out.toString();
        }
        out.append("d-i partman-auto/expert_recipe string vmemperor ::");
        if (gpt) {
            // GRUB on a GPT disk needs a BIOS boot partition
            out.append(" 1 1 1 free $gptonly{ } $primary{ } $bios_boot{ } method{ biosgrub } .");
        }
        for (Volume volume : volumes) {
            String fs = volume.filesystem().orElse(defaultFs);
            boolean logical = lvm && !"/boot".equals(volume.mountPoint());
            out.append(" \\\n    ").append(volume.sizeMb()).append(' ').append(volume.sizeMb()).append(' ')
                    .append(volume.sizeMb()).append(' ').append(fs);
            if (logical) {
                out.append(" $defaultignore{ } $lvmok{ } lv_name{ ").append(lvName(volume.mountPoint())).append(" }");
            } else {
                out.append(" $primary{ }");
                if ("/boot".equals(volume.mountPoint()) || ("/".equals(volume.mountPoint()) && !hasBoot())) {
                    out.append(" $bootable{ }");
                }
            }
            out.append(" method{ format } format{ } use_filesystem{ } filesystem{ ").append(fs)
                    .append(" } mountpoint{ ").append(volume.mountPoint()).append(" } .");
        }
        int swap = effectiveSwapMb();
        if (swap > 0) {
            out.append(" \\\n    ").append(swap).append(' ').append(swap).append(' ').append(swap)
                    .append(" linux-swap");
            if (lvm) {
                out.append(" $defaultignore{ } $lvmok{ } lv_name{ swap }");
            }
            out.append(" method{ swap } format{ } .");
        }
        out.append('\n');
        out.append("d-i partman-auto/choose_recipe select vmemperor\n");
        return out.toString();
    }

    /**
     * The disk lines of a kickstart file for disk {@code xvda}: {@code autopart}, or {@code part} (and with LVM
     * {@code volgroup}/{@code logvol}) lines with fixed sizes; {@code defaultFs} fills volumes without a filesystem.
     */
    public String toKickstart(String defaultFs) {
        StringBuilder out = new StringBuilder();
        out.append("ignoredisk --only-use=xvda\n");
        out.append("zerombr\n");
        out.append("clearpart --all --initlabel --drives=xvda").append(gpt ? " --disklabel=gpt" : "").append('\n');
        out.append("bootloader --location=mbr --boot-drive=xvda\n");
        if (auto()) {
            out.append("autopart --type=").append(lvm ? "lvm" : "plain").append('\n');
            return out.toString();
        }
        if (gpt) {
            out.append("part biosboot --fstype=biosboot --size=1\n");
        }
        int swap = effectiveSwapMb();
        if (!lvm) {
            for (Volume volume : volumes) {
                out.append("part ").append(volume.mountPoint()).append(" --size=").append(volume.sizeMb())
                        .append(" --fstype=").append(volume.filesystem().orElse(defaultFs)).append('\n');
            }
            if (swap > 0) {
                out.append("part swap --size=").append(swap).append('\n');
            }
            return out.toString();
        }
        for (Volume volume : volumes) {
            if ("/boot".equals(volume.mountPoint())) {
                out.append("part /boot --size=").append(volume.sizeMb()).append(" --fstype=")
                        .append(volume.filesystem().orElse(defaultFs)).append('\n');
            }
        }
        out.append("part pv.01 --size=1 --grow\n");
        out.append("volgroup vg0 pv.01\n");
        for (Volume volume : volumes) {
            if (!"/boot".equals(volume.mountPoint())) {
                out.append("logvol ").append(volume.mountPoint()).append(" --vgname=vg0 --name=")
                        .append(lvName(volume.mountPoint())).append(" --size=").append(volume.sizeMb())
                        .append(" --fstype=").append(volume.filesystem().orElse(defaultFs)).append('\n');
            }
        }
        if (swap > 0) {
            out.append("logvol swap --vgname=vg0 --name=swap --size=").append(swap).append('\n');
        }
        return out.toString();
    }

    private boolean hasBoot() {
        return volumes.stream().anyMatch(volume -> "/boot".equals(volume.mountPoint()));
    }

    /** {@code /} is {@code root}, {@code /var/log} is {@code var_log}. */
    static String lvName(String mountPoint) {
        return "/".equals(mountPoint) ? "root" : mountPoint.substring(1).replace('/', '_').replace('.', '_');
    }

    private static int size(String text, String what, boolean zeroAllowed) {
        if (!SIZE.matcher(text).matches()) {
            throw invalid("the size of " + what + " must be a number of MiB, not '" + abbreviate(text) + "'");
        }
        int value = Integer.parseInt(text);
        if ((!zeroAllowed && value == 0) || value > MAX_MB) {
            throw invalid("the size of " + what + " must be between " + (zeroAllowed ? 0 : 1) + " and " + MAX_MB
                    + " MiB");
        }
        return value;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static ApiException invalid(String why) {
        return ApiException.badRequest("argument 'partition' is invalid: " + why);
    }
}
