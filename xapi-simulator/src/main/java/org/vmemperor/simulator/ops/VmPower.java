package org.vmemperor.simulator.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import org.vmemperor.simulator.store.ObjectStore;

/**
 * The effects of power-state changes, without the checks (VmOperations checks; the installer and the demo pool
 * use these directly): residence, domid, consoles, attached devices, metrics, guest metrics. Callers hold the
 * store's monitor.
 */
public final class VmPower {
    private final ObjectStore store;
    private final InstalledSystems systems;
    private final IntSupplier port;
    private final AtomicLong nextDomid = new AtomicLong(1);
    private volatile BootListener listener = new BootListener() {
        @Override
        public boolean booted(String vm) {
            return false;
        }

        @Override
        public void halted(String vm) {
        }
    };

    public VmPower(ObjectStore store, InstalledSystems systems, IntSupplier port) {
        this.store = store;
        this.systems = systems;
        this.port = port;
    }

    public void setBootListener(BootListener listener) {
        this.listener = listener;
    }

    public InstalledSystems systems() {
        return systems;
    }

    public String host() {
        return store.refs("host").get(0);
    }

    /** Halted or Suspended to Running (or Paused). */
    public void boot(String vm, boolean paused) {
        long domid = nextDomid();
        String host = host();
        store.update("VM", vm, Map.of("power_state", paused ? "Paused" : "Running", "resident_on", host, "domid",
                domid));
        store.addToList("host", host, "resident_VMs", vm);
        createConsoles(vm);
        attachDevices(vm, true);
        String metrics = store.str("VM", vm, "metrics");
        if (store.exists("VM_metrics", metrics)) {
            store.update("VM_metrics", metrics,
                    Map.of("start_time", Instant.now(), "last_updated", Instant.now(), "memory_actual",
                            store.num("VM", vm, "memory_dynamic_max"), "VCPUs_number",
                            store.num("VM", vm, "VCPUs_at_startup"), "state", List.of()));
        }
        if (!listener.booted(vm)) {
            systems.of(store.str("VM", vm, "uuid")).ifPresent(os -> showGuest(vm, os));
        }
        refreshAllowedOperations(vm);
    }

    /** To Halted (or Suspended): the domain is gone with its consoles and devices. */
    public void halt(String vm, String state) {
        String host = store.str("VM", vm, "resident_on");
        if (store.exists("host", host)) {
            store.removeFromList("host", host, "resident_VMs", vm);
        }
        store.update("VM", vm, Map.of("power_state", state, "resident_on", ObjectStore.NULL_REF, "domid", -1L));
        destroyConsoles(vm);
        attachDevices(vm, false);
        hideGuest(vm);
        listener.halted(vm);
        refreshAllowedOperations(vm);
    }

    /** A reboot is a new domain: new domid, the guest agent reports afresh. */
    public void reboot(String vm) {
        store.set("VM", vm, "domid", nextDomid());
        hideGuest(vm);
        if (!listener.booted(vm)) {
            systems.of(store.str("VM", vm, "uuid")).ifPresent(os -> showGuest(vm, os));
        }
        String metrics = store.str("VM", vm, "metrics");
        if (store.exists("VM_metrics", metrics)) {
            store.set("VM_metrics", metrics, "start_time", Instant.now());
        }
    }

    public void setPaused(String vm, boolean paused) {
        store.set("VM", vm, "power_state", paused ? "Paused" : "Running");
        refreshAllowedOperations(vm);
    }

    private long nextDomid() {
        return nextDomid.getAndIncrement();
    }

    /** After loading a saved state, domids continue above the highest one in use. */
    public void resumeDomids() {
        long max = 0;
        for (String vm : store.refs("VM")) {
            max = Math.max(max, store.num("VM", vm, "domid"));
        }
        nextDomid.set(max + 1);
    }

    public void createConsoles(String vm) {
        for (String protocol : List.of("rfb", "vt100")) {
            String uuid = UUID.randomUUID().toString();
            String console = store.create("console",
                    Map.of("uuid", uuid, "protocol", protocol, "location", consoleLocation(uuid), "VM", vm));
            store.addToList("VM", vm, "consoles", console);
        }
    }

    public String consoleLocation(String consoleUuid) {
        return "http://127.0.0.1:" + port.getAsInt() + "/console?uuid=" + consoleUuid;
    }

    private void destroyConsoles(String vm) {
        for (String console : store.refList("VM", vm, "consoles")) {
            if (store.exists("console", console)) {
                store.destroy("console", console);
            }
        }
        store.set("VM", vm, "consoles", List.of());
    }

    private void attachDevices(String vm, boolean attached) {
        for (String vbd : store.refList("VM", vm, "VBDs")) {
            if (store.exists("VBD", vbd)) {
                store.set("VBD", vbd, "currently_attached", attached);
            }
        }
        for (String vif : store.refList("VM", vm, "VIFs")) {
            if (store.exists("VIF", vif)) {
                store.set("VIF", vif, "currently_attached", attached);
            }
        }
    }

    /** The guest agent reports in: OS, addresses, drivers. */
    public void showGuest(String vm, OsInfo os) {
        hideGuest(vm);
        Map<String, Object> osVersion = new LinkedHashMap<>();
        osVersion.put("name", os.name());
        osVersion.put("uname", os.uname());
        osVersion.put("distro", os.distro());
        osVersion.put("major", os.major());
        osVersion.put("minor", os.minor());
        Map<String, Object> networks = new LinkedHashMap<>();
        networks.put("0/ip", os.ip());
        networks.put("0/ipv4/0", os.ip());
        networks.put("0/ipv6/0", "fe80::" + Integer.toHexString(Math.abs(vm.hashCode()) & 0xffff) + ":ff:fe00:1");
        Map<String, Object> drivers = Map.of("major", "7", "minor", "20", "micro", "0", "build", "125");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("os_version", osVersion);
        fields.put("networks", networks);
        fields.put("PV_drivers_version", drivers);
        fields.put("PV_drivers_up_to_date", true);
        fields.put("PV_drivers_detected", true);
        fields.put("live", true);
        fields.put("can_use_hotplug_vbd", "yes");
        fields.put("can_use_hotplug_vif", "yes");
        fields.put("last_updated", Instant.now());
        fields.put("memory", Map.of("total", String.valueOf(store.num("VM", vm, "memory_dynamic_max") / 1024)));
        String metrics = store.create("VM_guest_metrics", fields);
        store.set("VM", vm, "guest_metrics", metrics);
    }

    /**
     * The guest of {@code vm} now has the IPv4 address {@code ip}: its agent reports it at once when the VM runs
     * (starting to report if it did not), and the installed system keeps it across reboots. A VM with nothing
     * installed gets a Debian system.
     */
    public void setGuestIp(String vm, String ip) {
        String uuid = store.str("VM", vm, "uuid");
        OsInfo os = systems.of(uuid).map(known -> known.withIp(ip)).orElseGet(() -> OsInfo.of("debian", ip));
        systems.put(uuid, os);
        String metrics = store.str("VM", vm, "guest_metrics");
        if (store.exists("VM_guest_metrics", metrics)) {
            Map<String, Object> networks = new LinkedHashMap<>(store.map("VM_guest_metrics", metrics, "networks"));
            networks.put("0/ip", ip);
            networks.put("0/ipv4/0", ip);
            store.set("VM_guest_metrics", metrics, "networks", networks);
        } else if ("Running".equals(store.str("VM", vm, "power_state"))) {
            showGuest(vm, os);
        }
    }

    /**
     * Replaces every installed system's address outside 127.0.0.0/8 (a state file saved by an older simulator) with a
     * loopback lease, on the systems and on the guest metrics of running VMs.
     */
    public void keepGuestsOnLoopback(GuestAddresses addresses) {
        for (String vm : store.refs("VM")) {
            String uuid = store.str("VM", vm, "uuid");
            systems.of(uuid).filter(os -> !GuestAddresses.isLoopback(os.ip()))
                    .ifPresent(os -> setGuestIp(vm, addresses.lease()));
        }
    }

    public void hideGuest(String vm) {
        String metrics = store.str("VM", vm, "guest_metrics");
        if (store.exists("VM_guest_metrics", metrics)) {
            store.destroy("VM_guest_metrics", metrics);
        }
        store.set("VM", vm, "guest_metrics", ObjectStore.NULL_REF);
    }

    public void refreshAllowedOperations(String vm) {
        store.set("VM", vm, "allowed_operations", allowedOperations(vm));
    }

    private List<String> allowedOperations(String vm) {
        if (store.bool("VM", vm, "is_control_domain")) {
            return List.of();
        }
        if (store.bool("VM", vm, "is_a_template")) {
            return store.bool("VM", vm, "is_default_template") ? List.of("clone", "copy", "provision", "export")
                    : List.of("clone", "copy", "provision", "export", "destroy");
        }
        return switch (store.str("VM", vm, "power_state")) {
            case "Running" -> List.of("clean_shutdown", "hard_shutdown", "clean_reboot", "hard_reboot", "suspend",
                    "pause", "snapshot", "changing_dynamic_range");
            case "Paused" -> List.of("unpause", "hard_shutdown", "hard_reboot");
            case "Suspended" -> List.of("resume", "hard_shutdown", "destroy");
            default -> List.of("start", "start_on", "clone", "copy", "destroy", "provision", "export", "snapshot",
                    "make_into_template", "changing_memory_limits", "changing_VCPUs", "changing_static_range");
        };
    }
}
