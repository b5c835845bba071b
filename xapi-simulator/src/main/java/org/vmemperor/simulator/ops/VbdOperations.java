package org.vmemperor.simulator.ops;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.vmemperor.simulator.rpc.MethodRegistry;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.store.ObjectStore;

/** VBD.create/destroy/plug/unplug/insert/eject, keeping VM.VBDs and VDI.VBDs in step. */
public final class VbdOperations {
    private final ObjectStore store;

    public VbdOperations(ObjectStore store) {
        this.store = store;
    }

    public void register(MethodRegistry methods) {
        methods.action("VBD.create", 1, (ctx, p) -> create(p.map(0)));
        methods.action("VBD.destroy", 1, (ctx, p) -> {
            destroy(p.str(0));
            return null;
        });
        methods.action("VBD.plug", 1, (ctx, p) -> {
            plug(p.str(0), true);
            return null;
        });
        methods.action("VBD.unplug", 1, (ctx, p) -> {
            plug(p.str(0), false);
            return null;
        });
        methods.action("VBD.unplug_force", 1, (ctx, p) -> {
            plug(p.str(0), false);
            return null;
        });
        methods.action("VBD.insert", 2, (ctx, p) -> {
            insert(p.str(0), p.str(1));
            return null;
        });
        methods.action("VBD.eject", 1, (ctx, p) -> {
            eject(p.str(0));
            return null;
        });
    }

    /** From a client's record (the Java SDK sends every field; refs may be OpaqueRef:NULL). */
    public String create(Map<String, Object> record) {
        String vm = String.valueOf(record.getOrDefault("VM", ObjectStore.NULL_REF));
        store.live("VM", vm);
        String vdi = String.valueOf(record.getOrDefault("VDI", ObjectStore.NULL_REF));
        boolean empty = Boolean.TRUE.equals(record.get("empty")) || "true".equals(String.valueOf(record.get("empty")));
        if (!ObjectStore.isNull(vdi)) {
            store.live("VDI", vdi);
        } else {
            empty = true;
        }
        String type = String.valueOf(record.getOrDefault("type", "Disk"));
        if (!"CD".equals(type) && !"Floppy".equals(type)) {
            type = "Disk";
        }
        String mode = "RO".equals(String.valueOf(record.get("mode"))) ? "RO" : "RW";
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("userdevice", String.valueOf(record.getOrDefault("userdevice", "autodetect")));
        fields.put("bootable", record.getOrDefault("bootable", false));
        fields.put("unpluggable", record.getOrDefault("unpluggable", true));
        fields.put("other_config", record.getOrDefault("other_config", Map.of()));
        fields.put("qos_algorithm_params", Map.of());
        return attach(vm, empty ? ObjectStore.NULL_REF : vdi, type, mode, fields);
    }

    /** Creates a VBD on a free (or the given) userdevice: DEVICE_ALREADY_EXISTS on a collision. */
    public String attach(String vm, String vdi, String type, String mode, Map<String, Object> extra) {
        Set<String> used = new HashSet<>();
        for (String other : store.refList("VM", vm, "VBDs")) {
            if (store.exists("VBD", other)) {
                used.add(store.str("VBD", other, "userdevice"));
            }
        }
        String userdevice = String.valueOf(extra.getOrDefault("userdevice", "autodetect"));
        if (userdevice.isBlank() || "autodetect".equals(userdevice)) {
            int next = 0;
            while (used.contains(Integer.toString(next))) {
                next++;
            }
            userdevice = Integer.toString(next);
        } else if (used.contains(userdevice)) {
            throw new XapiError("DEVICE_ALREADY_EXISTS", userdevice);
        }
        Map<String, Object> fields = new LinkedHashMap<>(extra);
        fields.put("VM", vm);
        fields.put("VDI", vdi);
        fields.put("type", type);
        fields.put("mode", mode);
        fields.put("empty", ObjectStore.isNull(vdi));
        fields.put("userdevice", userdevice);
        fields.put("device", deviceName(userdevice));
        fields.put("currently_attached", false);
        fields.put("allowed_operations", List.of("attach", "plug", "unplug"));
        String vbd = store.create("VBD", fields);
        store.addToList("VM", vm, "VBDs", vbd);
        if (!ObjectStore.isNull(vdi)) {
            store.addToList("VDI", vdi, "VBDs", vbd);
        }
        return vbd;
    }

    private static String deviceName(String userdevice) {
        try {
            return "xvd" + (char) ('a' + Integer.parseInt(userdevice));
        } catch (NumberFormatException e) {
            return "";
        }
    }

    public void destroy(String vbd) {
        store.live("VBD", vbd);
        String vm = store.str("VBD", vbd, "VM");
        if (store.bool("VBD", vbd, "currently_attached") && store.exists("VM", vm)
                && !"Halted".equals(store.str("VM", vm, "power_state"))) {
            throw XapiError.operationNotAllowed("VBD is currently attached to a running VM");
        }
        detachFromOwners(vbd);
        store.destroy("VBD", vbd);
    }

    /** Removes the back-references to a VBD about to disappear. */
    public void detachFromOwners(String vbd) {
        String vm = store.str("VBD", vbd, "VM");
        String vdi = store.str("VBD", vbd, "VDI");
        if (store.exists("VM", vm)) {
            store.removeFromList("VM", vm, "VBDs", vbd);
        }
        if (store.exists("VDI", vdi)) {
            store.removeFromList("VDI", vdi, "VBDs", vbd);
        }
    }

    private void plug(String vbd, boolean attach) {
        store.live("VBD", vbd);
        String vm = store.str("VBD", vbd, "VM");
        String state = store.str("VM", vm, "power_state");
        if (!"Running".equals(state)) {
            throw new XapiError("VM_BAD_POWER_STATE", vm, "running", state.toLowerCase(java.util.Locale.ROOT));
        }
        boolean attached = store.bool("VBD", vbd, "currently_attached");
        if (attach && attached) {
            throw new XapiError("DEVICE_ALREADY_ATTACHED", vbd);
        }
        if (!attach && !attached) {
            throw new XapiError("DEVICE_ALREADY_DETACHED", vbd);
        }
        store.set("VBD", vbd, "currently_attached", attach);
    }

    private void checkRemovable(String vbd) {
        store.live("VBD", vbd);
        if (!"CD".equals(store.str("VBD", vbd, "type")) && !"Floppy".equals(store.str("VBD", vbd, "type"))) {
            throw new XapiError("VBD_NOT_REMOVABLE_MEDIA", vbd);
        }
    }

    private void insert(String vbd, String vdi) {
        checkRemovable(vbd);
        store.live("VDI", vdi);
        if (!store.bool("VBD", vbd, "empty")) {
            throw new XapiError("VBD_NOT_EMPTY", vbd);
        }
        store.update("VBD", vbd, Map.of("VDI", vdi, "empty", false));
        store.addToList("VDI", vdi, "VBDs", vbd);
    }

    private void eject(String vbd) {
        checkRemovable(vbd);
        if (store.bool("VBD", vbd, "empty")) {
            throw new XapiError("VBD_IS_EMPTY", vbd);
        }
        String vdi = store.str("VBD", vbd, "VDI");
        store.update("VBD", vbd, Map.of("VDI", ObjectStore.NULL_REF, "empty", true));
        if (store.exists("VDI", vdi)) {
            store.removeFromList("VDI", vdi, "VBDs", vbd);
        }
    }
}
