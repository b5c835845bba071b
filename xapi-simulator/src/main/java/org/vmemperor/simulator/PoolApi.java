package org.vmemperor.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.vmemperor.simulator.ops.NetworkOperations;
import org.vmemperor.simulator.ops.VbdOperations;
import org.vmemperor.simulator.ops.VdiOperations;
import org.vmemperor.simulator.ops.VifOperations;
import org.vmemperor.simulator.ops.VmPower;
import org.vmemperor.simulator.store.ObjectStore;

/**
 * The test API: read and change the pool directly, as if another client had called XenAPI. Every change
 * generates the events the XenAPI call would. Objects are named by ref or by uuid, whichever is handier.
 * Refused changes throw {@link org.vmemperor.simulator.rpc.XapiError} as the XenAPI call would fail.
 */
public final class PoolApi {
    private final ObjectStore store;
    private final VmPower power;
    private final NetworkOperations networks;
    private final VdiOperations vdis;
    private final VbdOperations vbds;
    private final VifOperations vifs;

    PoolApi(ObjectStore store, VmPower power, NetworkOperations networks, VdiOperations vdis, VbdOperations vbds,
            VifOperations vifs) {
        this.store = store;
        this.power = power;
        this.networks = networks;
        this.vdis = vdis;
        this.vbds = vbds;
        this.vifs = vifs;
    }

    /** Every object of a class, ref to record (a copy). */
    public Map<String, Map<String, Object>> records(String cls) {
        return store.atomically(() -> {
            Map<String, Map<String, Object>> result = new LinkedHashMap<>();
            store.refs(cls).forEach(ref -> result.put(ref, store.snapshot(cls, ref)));
            return result;
        });
    }

    public Map<String, Object> record(String cls, String refOrUuid) {
        return store.atomically(() -> store.snapshot(cls, ref(cls, refOrUuid)));
    }

    /** The ref of an object given its ref or uuid. */
    public String ref(String cls, String refOrUuid) {
        return store.atomically(() -> store.exists(cls, refOrUuid) ? refOrUuid : store.refOfUuid(cls, refOrUuid));
    }

    public Optional<String> refByName(String cls, String nameLabel) {
        return store.atomically(() -> store.findBy(cls, "name_label", nameLabel));
    }

    public List<String> refs(String cls) {
        return store.atomically(() -> store.refs(cls));
    }

    /** Creates a raw object with the given fields (others default); no back-references are maintained. */
    public String create(String cls, Map<String, ?> fields) {
        return store.atomically(() -> store.create(cls, fields));
    }

    public void set(String cls, String refOrUuid, String field, Object value) {
        store.atomically(() -> store.set(cls, ref(cls, refOrUuid), field, value));
    }

    public String addNetwork(String name) {
        return store.atomically(() -> networks.create(Map.of("name_label", name)));
    }

    /** A VDI of the given size on the SR (ref or uuid). */
    public String addVdi(String sr, String name, long size) {
        return store.atomically(
                () -> vdis.createOn(ref("SR", sr), size, Map.of("name_label", name, "type", "user")));
    }

    /**
     * Makes an object disappear as if deleted by another client: a running VM is halted first and takes its
     * VBDs and VIFs with it; VBDs and VIFs leave their owners; a VDI still in use is refused (VDI_IN_USE).
     */
    public void destroy(String cls, String refOrUuid) {
        store.atomically(() -> {
            String ref = ref(cls, refOrUuid);
            switch (cls) {
                case "VM" -> destroyVm(ref);
                case "VDI" -> vdis.destroy(ref);
                case "VBD" -> {
                    vbds.detachFromOwners(ref);
                    store.destroy("VBD", ref);
                }
                case "VIF" -> {
                    vifs.detachFromOwners(ref);
                    store.destroy("VIF", ref);
                }
                case "network" -> networks.destroy(ref);
                default -> store.destroy(cls, ref);
            }
        });
    }

    private void destroyVm(String vm) {
        if (!"Halted".equals(store.str("VM", vm, "power_state"))) {
            power.halt(vm, "Halted");
        }
        for (String vbd : store.refList("VM", vm, "VBDs")) {
            if (store.exists("VBD", vbd)) {
                vbds.detachFromOwners(vbd);
                store.destroy("VBD", vbd);
            }
        }
        for (String vif : store.refList("VM", vm, "VIFs")) {
            if (store.exists("VIF", vif)) {
                vifs.detachFromOwners(vif);
                store.destroy("VIF", vif);
            }
        }
        String metrics = store.str("VM", vm, "metrics");
        if (store.exists("VM_metrics", metrics)) {
            store.destroy("VM_metrics", metrics);
        }
        store.destroy("VM", vm);
    }

    /** Powers a VM on or off without the XenAPI checks, e.g. to simulate a guest shutting itself down. */
    public void powerState(String vmRefOrUuid, String state) {
        store.atomically(() -> {
            String vm = ref("VM", vmRefOrUuid);
            String current = store.str("VM", vm, "power_state");
            if (current.equals(state)) {
                return;
            }
            switch (state) {
                case "Running" -> {
                    if ("Paused".equals(current)) {
                        power.setPaused(vm, false);
                    } else {
                        power.boot(vm, false);
                    }
                }
                case "Paused" -> {
                    if (!"Running".equals(current)) {
                        power.boot(vm, true);
                    } else {
                        power.setPaused(vm, true);
                    }
                }
                default -> power.halt(vm, state);
            }
        });
    }

    /**
     * Sets the IPv4 address a VM's guest reports ({@code VM_guest_metrics.networks["0/ip"]}), e.g. 127.0.0.1 where a
     * test runs an sshd standing in for the VM. Reported at once when the VM runs, and after every later boot. The
     * simulator itself only ever reports loopback addresses; a test may choose any.
     */
    public void guestIp(String vmRefOrUuid, String ip) {
        store.atomically(() -> power.setGuestIp(ref("VM", vmRefOrUuid), ip));
    }

    /** How many sessions are logged in. */
    public int sessions() {
        return store.atomically(() -> store.count("session"));
    }
}
