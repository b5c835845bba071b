package org.vmemperor.simulator.store;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.xensource.xenapi.Console;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.HostMetrics;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.PBD;
import com.xensource.xenapi.PIF;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VIF;
import com.xensource.xenapi.VM;
import com.xensource.xenapi.VMGuestMetrics;
import com.xensource.xenapi.VMMetrics;

/**
 * The XenAPI classes the simulator serves. Field lists come from the SDK's record classes; only the writable sets
 * are written here.
 */
public final class ClassRegistry {
    /** Fields xapi lets a client set on every class that has them. */
    private static final Set<String> COMMON_WRITABLE = Set.of("name_label", "name_description", "other_config", "tags",
            "xenstore_data");

    private final Map<String, ClassSchema> byName = new LinkedHashMap<>();

    public ClassRegistry() {
        register("pool", new Pool.Record().toMap(), Set.of("default_SR", "suspend_image_SR", "crash_dump_SR"), true);
        register("host", new Host.Record().toMap(), Set.of("logging", "display"), true);
        register("host_metrics", new HostMetrics.Record().toMap(), Set.of(), true);
        register("VM", new VM.Record().toMap(),
                Set.of("user_version", "is_a_template", "affinity", "memory_static_max", "memory_static_min",
                        "memory_dynamic_max", "memory_dynamic_min", "VCPUs_params", "VCPUs_max", "VCPUs_at_startup",
                        "actions_after_shutdown", "actions_after_reboot", "actions_after_crash", "PV_bootloader",
                        "PV_kernel", "PV_ramdisk", "PV_args", "PV_bootloader_args", "PV_legacy_args",
                        "HVM_boot_policy", "HVM_boot_params", "HVM_shadow_multiplier", "platform", "PCI_bus",
                        "recommendations", "ha_always_run", "ha_restart_priority", "suspend_SR", "order",
                        "start_delay", "shutdown_delay", "domain_type", "hardware_platform_version",
                        "has_vendor_device", "blocked_operations", "suspend_VDI"),
                true);
        register("VM_metrics", new VMMetrics.Record().toMap(), Set.of(), true);
        register("VM_guest_metrics", new VMGuestMetrics.Record().toMap(), Set.of(), true);
        register("VBD", new VBD.Record().toMap(),
                Set.of("userdevice", "bootable", "mode", "type", "unpluggable", "qos_algorithm_type",
                        "qos_algorithm_params"),
                true);
        register("VIF", new VIF.Record().toMap(), Set.of("locking_mode", "ipv4_allowed", "ipv6_allowed"), true);
        register("VDI", new VDI.Record().toMap(),
                Set.of("sharable", "read_only", "sm_config", "on_boot", "allow_caching", "metadata_of_pool"), true);
        register("SR", new SR.Record().toMap(), Set.of("shared", "sm_config", "physical_size"), true);
        register("PBD", new PBD.Record().toMap(), Set.of("device_config"), true);
        register("network", new Network.Record().toMap(), Set.of("MTU", "default_locking_mode"), true);
        register("PIF", new PIF.Record().toMap(), Set.of("disallow_unplug", "primary_address_type", "property"),
                true);
        register("console", new Console.Record().toMap(), Set.of(), true);
        register("task", new Task.Record().toMap(), Set.of("status", "progress", "result", "error_info"), true);
        register("session", new Session.Record().toMap(), Set.of(), false);
    }

    private void register(String name, Map<String, Object> sdkDefaults, Set<String> extraWritable, boolean listed) {
        Set<String> writable = Stream.concat(COMMON_WRITABLE.stream(), extraWritable.stream())
                .collect(Collectors.toSet());
        byName.put(name, new ClassSchema(name, sdkDefaults, writable, listed));
    }

    public Iterable<ClassSchema> all() {
        return byName.values();
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public ClassSchema get(String name) {
        ClassSchema schema = byName.get(name);
        if (schema == null) {
            throw new IllegalArgumentException("unknown class " + name);
        }
        return schema;
    }

    /** Wire names are case-sensitive in method names but not in event subscriptions ("vm", "VM"). */
    public Optional<ClassSchema> findIgnoringCase(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return byName.values().stream().filter(s -> s.name().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    public Optional<ClassSchema> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Classes whose changes appear in event.from: xapi does not publish sessions. */
    public boolean emitsEvents(String name) {
        return !"session".equals(name);
    }
}
