package org.vmemperor.vm.service;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.view.InventoryViews;
import org.vmemperor.common.view.VmViews;
import org.vmemperor.common.xenapi.VmOperations;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

/**
 * Network interfaces, disks and CD images of a VM. Device changes are quick, so they are synchronous: the answer
 * ({@code {"status": "ok"}}) comes once the pool has done it and the cache shows it, so the caller's next read
 * (/vminfo, /vmdiskinfo) already sees the change.
 */
@ApplicationScoped
public class DeviceService {

    /** How long to wait for the cache to show a change the pool has confirmed. */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final VmLookup lookup;
    private final VmViews views;
    private final InventoryViews inventory;
    private final XenObjectCache cache;
    private final VmOperations operations;

    public DeviceService(VmLookup lookup, VmViews views, InventoryViews inventory, XenObjectCache cache,
            VmOperations operations) {
        this.lookup = lookup;
        this.views = views;
        this.inventory = inventory;
        this.cache = cache;
        this.operations = operations;
    }

    public enum Direction {
        ATTACH,
        DETACH;

        public static Direction parse(String action) {
            return switch (action) {
                case "attach" -> ATTACH;
                case "detach" -> DETACH;
                default -> throw ApiException.badRequest("invalid parameter \"action\": attach or detach");
            };
        }
    }

    // --- networks ---

    /**
     * Attach: a new VIF on the lowest free device number (never the count of VIFs, which collides after a detach),
     * plugged at once when the VM runs; a VM already on the network is refused (400), since the spec names the
     * interface to detach by its network alone. Detach: the VM's VIF on that network is unplugged (if attached) and
     * destroyed; should another client have given the VM several VIFs on it, only the one with the highest device
     * number goes (the most recently added, as VMEmperor numbers them), one per call.
     */
    public void netAction(UserPrincipal user, String vmUuid, String networkUuid, Direction direction) {
        XenObject vm = lookup.vm(vmUuid, user, Action.ATTACH);
        XenObject network = lookup.network(networkUuid, user, Action.ATTACH);
        List<XenObject> vifs = views.devices(vm, "VIFs", XenClass.VIF);
        List<XenObject> onNetwork = vifs.stream().filter(vif -> network.ref().equals(vif.string("network"))).toList();
        if (direction == Direction.ATTACH) {
            if (!onNetwork.isEmpty()) {
                throw ApiException.badRequest("the VM already has an interface on this network (device "
                        + onNetwork.get(0).string("device") + ")");
            }
            Set<String> used = new HashSet<>();
            vifs.forEach(vif -> used.add(vif.string("device")));
            String device = lowestFree(used);
            long mtu = network.number("MTU") > 0 ? network.number("MTU") : 1500;
            String vif = operations.createVif(vm.ref(), network.ref(), device, mtu);
            boolean running = isRunning(vm);
            if (running) {
                operations.plugVif(vif);
            }
            settle(() -> cache.byRef(XenClass.VIF, vif).map(v -> !running || v.bool("currently_attached"))
                    .orElse(false));
            return;
        }
        XenObject vif = onNetwork.stream().max(Comparator.comparingLong(DeviceService::deviceNumber))
                .orElseThrow(() -> ApiException.badRequest("the VM has no interface on this network"));
        if (vif.bool("currently_attached") && isRunning(vm)) {
            operations.unplugVif(vif.ref());
        }
        operations.destroyVif(vif.ref());
        settle(() -> cache.byRef(XenClass.VIF, vif.ref()).isEmpty());
    }

    // --- disks ---

    /**
     * Attach: a read-write disk VBD on the lowest free userdevice, bootable if the VM has no other disk, hot-plugged
     * when the VM runs; attaching a disk that is already on the VM is a no-op. Detach: unplugged first when attached,
     * then the VBD is destroyed (the disk itself is kept); the boot disk only from a halted VM (the spec: "ensure that
     * VM is halted"; a running guest would lose its root file system), other disks are hot-unplugged. An ISO given
     * here is handled like /attachdetachiso.
     */
    public void attachDetachVdi(UserPrincipal user, String vmUuid, String vdiUuid, Direction direction) {
        XenObject vm = lookup.vm(vmUuid, user, Action.ATTACH);
        XenObject vdi = lookup.vdi(vdiUuid);
        if (inventory.isIso(vdi)) {
            cdAction(vm, vdi, direction);
            return;
        }
        AccessRights.require(user, vdi, Action.ATTACH);
        List<XenObject> vbds = views.devices(vm, "VBDs", XenClass.VBD);
        List<XenObject> holding = vbds.stream().filter(vbd -> vdi.ref().equals(vbd.string("VDI"))).toList();
        if (direction == Direction.ATTACH) {
            if (!holding.isEmpty()) {
                return;
            }
            boolean bootable = vbds.stream().noneMatch(vbd -> "Disk".equals(vbd.string("type")));
            String vbd = operations.createVbd(vm.ref(), vdi.ref(), nextUserdevice(vbds), false, bootable);
            boolean running = isRunning(vm);
            if (running) {
                operations.plugVbd(vbd);
            }
            settle(() -> cache.byRef(XenClass.VBD, vbd).map(v -> !running || v.bool("currently_attached"))
                    .orElse(false));
            return;
        }
        if (holding.isEmpty()) {
            throw ApiException.badRequest("the disk is not attached to this VM");
        }
        if (!"Halted".equals(vm.string("power_state")) && holding.stream().anyMatch(vbd -> vbd.bool("bootable"))) {
            throw ApiException.badRequest("the VM must be halted to detach its boot disk (it is "
                    + vm.string("power_state") + ")");
        }
        for (XenObject vbd : holding) {
            if (vbd.bool("currently_attached") && isRunning(vm)) {
                operations.unplugVbd(vbd.ref());
            }
            operations.destroyVbd(vbd.ref());
        }
        settle(() -> holding.stream().allMatch(vbd -> cache.byRef(XenClass.VBD, vbd.ref()).isEmpty()));
    }

    // --- ISOs ---

    /** ISOs carry no rights of their own: {@code attach} on the VM is what counts. */
    public void attachDetachIso(UserPrincipal user, String vmUuid, String isoUuid, Direction direction) {
        XenObject vm = lookup.vm(vmUuid, user, Action.ATTACH);
        XenObject iso = lookup.vdi(isoUuid);
        if (!inventory.isIso(iso)) {
            throw ApiException.badRequest("not an ISO image: " + isoUuid);
        }
        cdAction(vm, iso, direction);
    }

    /**
     * Uses the VM's CD drive: attach inserts into the first drive (ejecting what it held, or creating the one drive if
     * the VM has none); detach ejects the image from whichever drive holds it. Extra drives are never created.
     */
    private void cdAction(XenObject vm, XenObject iso, Direction direction) {
        List<XenObject> vbds = views.devices(vm, "VBDs", XenClass.VBD);
        List<XenObject> drives = vbds.stream().filter(vbd -> "CD".equals(vbd.string("type"))).toList();
        Optional<XenObject> holding = drives.stream().filter(vbd -> iso.ref().equals(vbd.string("VDI"))).findFirst();
        if (direction == Direction.DETACH) {
            XenObject drive = holding
                    .orElseThrow(() -> ApiException.badRequest("the ISO image is not inserted in this VM"));
            operations.ejectCd(drive.ref());
            settle(() -> cache.byRef(XenClass.VBD, drive.ref()).map(v -> v.bool("empty")).orElse(true));
            return;
        }
        if (holding.isPresent()) {
            return;
        }
        String drive;
        if (drives.isEmpty()) {
            drive = operations.createVbd(vm.ref(), null, nextUserdevice(vbds), true, false);
            if (isRunning(vm)) {
                operations.plugVbd(drive);
            }
        } else {
            XenObject first = drives.get(0);
            drive = first.ref();
            if (!first.bool("empty") && XenObject.isRef(first.string("VDI"))) {
                operations.ejectCd(drive);
            }
        }
        operations.insertCd(drive, iso.ref());
        settle(() -> cache.byRef(XenClass.VBD, drive).map(v -> iso.ref().equals(v.string("VDI"))).orElse(false));
    }

    // --- helpers ---

    private static long deviceNumber(XenObject device) {
        try {
            return Long.parseLong(device.string("device"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRunning(XenObject vm) {
        return "Running".equals(vm.string("power_state"));
    }

    private static String nextUserdevice(List<XenObject> vbds) {
        Set<String> used = new HashSet<>();
        vbds.forEach(vbd -> used.add(vbd.string("userdevice")));
        return lowestFree(used);
    }

    private static String lowestFree(Set<String> used) {
        for (int device = 0;; device++) {
            if (!used.contains(Integer.toString(device))) {
                return Integer.toString(device);
            }
        }
    }

    private void settle(BooleanSupplier condition) {
        // the pool has done it; a slow event feed only delays the caller's next read, so no error on timeout
        cache.await(condition, SETTLE);
    }
}
