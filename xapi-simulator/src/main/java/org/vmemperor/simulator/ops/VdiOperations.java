package org.vmemperor.simulator.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vmemperor.simulator.rpc.MethodRegistry;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.store.ObjectStore;

/**
 * VDI.create and VDI.destroy, with the SR's space accounting. Deliberately stricter than xapi: destroy is refused
 * with VDI_IN_USE whenever any VBD still references the VDI, not only when it is attached to a running VM.
 */
public final class VdiOperations {
    private final ObjectStore store;

    public VdiOperations(ObjectStore store) {
        this.store = store;
    }

    public void register(MethodRegistry methods) {
        methods.action("VDI.create", 1, (ctx, p) -> create(p.map(0)));
        methods.action("VDI.destroy", 1, (ctx, p) -> {
            destroy(p.str(0));
            return null;
        });
    }

    /** From a client's record: only the SR and size are required; extra fields are ignored. */
    public String create(Map<String, Object> record) {
        String sr = String.valueOf(record.getOrDefault("SR", ObjectStore.NULL_REF));
        store.live("SR", sr);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String field : List.of("name_label", "name_description", "virtual_size", "type", "sharable",
                "read_only", "other_config", "xenstore_data", "sm_config", "tags")) {
            if (record.containsKey(field)) {
                fields.put(field, record.get(field));
            }
        }
        long size = Long.parseLong(String.valueOf(record.getOrDefault("virtual_size", "0")));
        return createOn(sr, size, fields);
    }

    /** Creates a VDI of the given size on the SR, or SR_FULL [requested, maximum] as xapi reports it. */
    public String createOn(String sr, long size, Map<String, Object> extra) {
        long physicalSize = store.num("SR", sr, "physical_size");
        long used = store.num("SR", sr, "physical_utilisation");
        if (size < 0 || used + size > physicalSize) {
            throw new XapiError("SR_FULL", Long.toString(size), Long.toString(Math.max(0, physicalSize - used)));
        }
        Map<String, Object> fields = new LinkedHashMap<>(extra);
        fields.put("SR", sr);
        fields.put("virtual_size", size);
        fields.put("physical_utilisation", size);
        fields.putIfAbsent("type", "user");
        fields.put("managed", true);
        fields.put("allowed_operations", List.of("clone", "copy", "resize", "destroy", "snapshot", "update"));
        String vdi = store.create("VDI", fields);
        store.set("VDI", vdi, "location", store.str("VDI", vdi, "uuid"));
        store.addToList("SR", sr, "VDIs", vdi);
        store.set("SR", sr, "physical_utilisation", used + size);
        store.set("SR", sr, "virtual_allocation", store.num("SR", sr, "virtual_allocation") + size);
        return vdi;
    }

    public void destroy(String vdi) {
        store.live("VDI", vdi);
        if (!store.refList("VDI", vdi, "VBDs").isEmpty()) {
            throw new XapiError("VDI_IN_USE", vdi, "destroy");
        }
        String sr = store.str("VDI", vdi, "SR");
        long size = store.num("VDI", vdi, "virtual_size");
        store.destroy("VDI", vdi);
        if (store.exists("SR", sr)) {
            store.removeFromList("SR", sr, "VDIs", vdi);
            store.set("SR", sr, "physical_utilisation", Math.max(0, store.num("SR", sr, "physical_utilisation") - size));
            store.set("SR", sr, "virtual_allocation", Math.max(0, store.num("SR", sr, "virtual_allocation") - size));
        }
    }
}
