package org.vmemperor.common.view;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

/**
 * The VM record of /vminfo and /vmlist, and the merged /vmdiskinfo and /vmnetinfo shapes, built from cached records
 * only. Network and disk entries come from {@link InventoryViews} so every route shows them alike.
 */
@ApplicationScoped
public class VmViews {

    private static final DateTimeFormatter SPEC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);

    private final XenObjectCache cache;
    private final InventoryViews inventory;

    public VmViews(XenObjectCache cache, InventoryViews inventory) {
        this.cache = cache;
        this.inventory = inventory;
    }

    /** Whether the object is a VM users deal with: not a template, a snapshot or the control domain. */
    public static boolean isUserVm(XenObject vm) {
        return vm.type() == XenClass.VM && !vm.bool("is_a_template") && !vm.bool("is_a_snapshot")
                && !vm.bool("is_control_domain");
    }

    /** Every user VM, ordered by name then uuid (access filtering is the caller's). */
    public List<XenObject> vms() {
        List<XenObject> vms = new ArrayList<>(cache.all(XenClass.VM).stream().filter(VmViews::isUserVm).toList());
        vms.sort(InventoryViews.BY_NAME);
        return vms;
    }

    public VmRecord record(XenObject vm) {
        Optional<XenObject> metrics = cache.byRef(XenClass.VM_METRICS, vm.string("metrics"));
        Optional<XenObject> guest = cache.byRef(XenClass.VM_GUEST_METRICS, vm.string("guest_metrics"));
        Map<String, String> guestNetworks = guest.map(g -> g.stringMap("networks")).orElse(Map.of());
        return new VmRecord(
                guest.map(g -> g.bool("PV_drivers_up_to_date")).orElse(null),
                guest.map(g -> sorted(g.stringMap("PV_drivers_version"))).orElse(null),
                vm.number("VCPUs_at_startup"),
                vm.number("VCPUs_max"),
                InventoryViews.access(vm),
                disks(vm),
                vm.string("domain_type"),
                guest.map(XenObject::ref).orElse(null),
                metrics.map(m -> time(m.time("install_time"))).orElse(null),
                metrics.map(m -> Long.toString(m.number("memory_actual"))).orElse(null),
                metrics.map(XenObject::ref).orElse(null),
                vm.string("name_label"),
                networks(vm, guestNetworks),
                guest.map(g -> sorted(g.stringMap("os_version"))).orElse(null),
                vm.string("power_state"),
                vm.ref(),
                metrics.map(m -> time(m.time("start_time"))).orElse(null),
                vm.uuid());
    }

    /** /vmdiskinfo: by VBD ref, the drive's fields merged over the VDI or ISO entry of the disk in it. */
    public SortedMap<String, SortedMap<String, Object>> diskInfo(XenObject vm) {
        SortedMap<String, SortedMap<String, Object>> result = new TreeMap<>();
        for (XenObject vbd : devices(vm, "VBDs", XenClass.VBD)) {
            SortedMap<String, Object> merged = inventory.diskEntryOfVbd(vbd).orElseGet(TreeMap::new);
            VmRecord.Disk disk = disk(vbd);
            merged.put("VDI", disk.vdi());
            merged.put("attached", disk.attached());
            merged.put("bootable", disk.bootable());
            merged.put("device", disk.device());
            merged.put("mode", disk.mode());
            merged.put("type", disk.type());
            result.put(vbd.ref(), merged);
        }
        return result;
    }

    /** /vmnetinfo: by VIF device, the interface's fields merged over the network's entry. */
    public SortedMap<String, SortedMap<String, Object>> netInfo(XenObject vm) {
        Map<String, String> guestNetworks = cache.byRef(XenClass.VM_GUEST_METRICS, vm.string("guest_metrics"))
                .map(g -> g.stringMap("networks")).orElse(Map.of());
        SortedMap<String, SortedMap<String, Object>> result = new TreeMap<>();
        for (XenObject vif : devices(vm, "VIFs", XenClass.VIF)) {
            SortedMap<String, Object> merged = inventory.networkEntryOfVif(vif).orElseGet(TreeMap::new);
            VmRecord.Network network = network(vif, guestNetworks);
            merged.put("MAC", network.mac());
            merged.put("VIF", network.vif());
            merged.put("attached", network.attached());
            merged.put("ip", network.ip());
            merged.put("ipv6", network.ipv6());
            merged.put("network", network.network());
            merged.put("status", network.status());
            result.put(vif.string("device"), merged);
        }
        return result;
    }

    /** The VM's VBDs or VIFs that the cache holds, in XenAPI's order. */
    public List<XenObject> devices(XenObject vm, String field, XenClass type) {
        List<XenObject> devices = new ArrayList<>();
        for (String ref : vm.strings(field)) {
            cache.byRef(type, ref).ifPresent(devices::add);
        }
        return devices;
    }

    private Map<String, VmRecord.Disk> disks(XenObject vm) {
        Map<String, VmRecord.Disk> disks = new TreeMap<>();
        for (XenObject vbd : devices(vm, "VBDs", XenClass.VBD)) {
            disks.put(vbd.ref(), disk(vbd));
        }
        return disks;
    }

    private VmRecord.Disk disk(XenObject vbd) {
        String vdiUuid = cache.byRef(XenClass.VDI, vbd.string("VDI")).map(XenObject::uuid).orElse("");
        return new VmRecord.Disk(vdiUuid, vbd.bool("currently_attached"), vbd.bool("bootable"), vbd.string("device"),
                vbd.string("mode"), vbd.string("type"));
    }

    private Map<String, VmRecord.Network> networks(XenObject vm, Map<String, String> guestNetworks) {
        Map<String, VmRecord.Network> networks = new TreeMap<>();
        for (XenObject vif : devices(vm, "VIFs", XenClass.VIF)) {
            networks.put(vif.string("device"), network(vif, guestNetworks));
        }
        return networks;
    }

    private VmRecord.Network network(XenObject vif, Map<String, String> guestNetworks) {
        String device = vif.string("device");
        String networkUuid = cache.byRef(XenClass.NETWORK, vif.string("network")).map(XenObject::uuid).orElse("");
        return new VmRecord.Network(vif.string("MAC"), vif.ref(), vif.bool("currently_attached"),
                guestNetworks.get(device + "/ip"), guestNetworks.get(device + "/ipv6/0"), networkUuid, "");
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return new TreeMap<>(map);
    }

    private static String time(Instant instant) {
        return instant == null || Instant.EPOCH.equals(instant) ? null : SPEC_TIME.format(instant);
    }
}
