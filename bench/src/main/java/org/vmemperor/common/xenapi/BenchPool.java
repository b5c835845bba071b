package org.vmemperor.common.xenapi;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cache filled by hand for the benchmarks (in common's package because only the event feed writes the cache): one
 * VM with its metrics, guest metrics, a disk and a CD drive, and one interface, as the simulator's demo VMs have them.
 */
public final class BenchPool {

    public static final String VM_REF = "OpaqueRef:vm";

    private BenchPool() {
    }

    /** The access JSON a VM shared with a user and a group carries in {@code other_config["vmemperor"]}. */
    public static final String ACCESS_JSON = "{\"access\": {\"users/570e9a59-e3bd-42c5-87ee-d46b312dbfcb\": [\"all\"],"
            + " \"groups/3f0c6f62-0d43-4d5c-9b4c-5b8f9c4f0a11\": [\"launch\", \"attach\"]}}";

    public static XenObjectCache cache() {
        Map<XenClass, Map<String, XenObject>> objects = new EnumMap<>(XenClass.class);
        put(objects, XenClass.VM, VM_REF, Map.ofEntries(Map.entry("uuid", "6d8a4c1e-0000-4000-8000-000000000001"),
                Map.entry("name_label", "debian-vm-01"), Map.entry("power_state", "Running"),
                Map.entry("is_a_template", false), Map.entry("is_a_snapshot", false),
                Map.entry("is_control_domain", false), Map.entry("VCPUs_at_startup", 1L), Map.entry("VCPUs_max", 2L),
                Map.entry("domain_type", "pv"), Map.entry("metrics", "OpaqueRef:metrics"),
                Map.entry("guest_metrics", "OpaqueRef:guest"), Map.entry("VBDs", List.of("OpaqueRef:vbd0", "OpaqueRef:vbd1")),
                Map.entry("VIFs", List.of("OpaqueRef:vif0")),
                Map.entry("other_config", Map.of("vmemperor", ACCESS_JSON, "install-methods", "cdrom,nfs,http,ftp"))));
        put(objects, XenClass.VM_METRICS, "OpaqueRef:metrics", Map.of("uuid", "m-1", "memory_actual", 1073741824L,
                "install_time", Instant.parse("2018-09-25T15:35:58Z"), "start_time",
                Instant.parse("2018-09-25T15:36:10Z")));
        put(objects, XenClass.VM_GUEST_METRICS, "OpaqueRef:guest", Map.of("uuid", "g-1", "PV_drivers_up_to_date", true,
                "PV_drivers_version", Map.of("major", "7", "minor", "20"), "os_version",
                Map.of("distro", "debian", "name", "Debian GNU/Linux 12", "uname", "6.1.0-13-amd64"), "networks",
                Map.of("0/ip", "10.10.10.101", "0/ipv6/0", "fe80::1")));
        put(objects, XenClass.VBD, "OpaqueRef:vbd0", Map.of("uuid", "b-0", "VM", VM_REF, "VDI", "OpaqueRef:vdi0",
                "currently_attached", true, "bootable", true, "device", "xvda", "mode", "RW", "type", "Disk"));
        put(objects, XenClass.VBD, "OpaqueRef:vbd1", Map.of("uuid", "b-1", "VM", VM_REF, "VDI", XenObject.NULL_REF,
                "currently_attached", true, "bootable", false, "device", "xvdd", "mode", "RO", "type", "CD"));
        put(objects, XenClass.VDI, "OpaqueRef:vdi0", Map.of("uuid", "d-0", "name_label", "debian-vm-01 disk"));
        put(objects, XenClass.VIF, "OpaqueRef:vif0", Map.of("uuid", "i-0", "VM", VM_REF, "network", "OpaqueRef:net",
                "device", "0", "MAC", "aa:bb:cc:dd:ee:01", "currently_attached", true));
        put(objects, XenClass.NETWORK, "OpaqueRef:net", Map.of("uuid", "n-0", "name_label", "Pool-wide network"));
        XenObjectCache cache = new XenObjectCache();
        cache.replaceAll(objects);
        return cache;
    }

    private static void put(Map<XenClass, Map<String, XenObject>> objects, XenClass type, String ref,
            Map<String, Object> fields) {
        objects.computeIfAbsent(type, key -> new HashMap<>()).put(ref, new XenObject(type, ref, fields));
    }
}
