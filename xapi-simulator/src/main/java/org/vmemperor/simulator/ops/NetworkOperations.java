package org.vmemperor.simulator.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vmemperor.simulator.rpc.MethodRegistry;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.store.ObjectStore;

/** network.create and network.destroy. */
public final class NetworkOperations {
    private final ObjectStore store;

    public NetworkOperations(ObjectStore store) {
        this.store = store;
    }

    public void register(MethodRegistry methods) {
        methods.action("network.create", 1, (ctx, p) -> create(p.map(0)));
        methods.action("network.destroy", 1, (ctx, p) -> {
            destroy(p.str(0));
            return null;
        });
    }

    public String create(Map<String, Object> record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String field : List.of("name_label", "name_description", "MTU", "other_config", "tags", "bridge")) {
            if (record.containsKey(field)) {
                fields.put(field, record.get(field));
            }
        }
        Object mtu = fields.get("MTU");
        if (mtu == null || "0".equals(mtu.toString())) {
            fields.put("MTU", 1500L);
        }
        fields.put("allowed_operations", List.of("attaching"));
        String network = store.create("network", fields);
        if (store.str("network", network, "bridge").isEmpty()) {
            store.set("network", network, "bridge", "xapi" + (store.count("network") - 1));
        }
        return network;
    }

    public void destroy(String network) {
        store.live("network", network);
        List<String> vifs = store.refList("network", network, "VIFs");
        if (!vifs.isEmpty()) {
            throw new XapiError("NETWORK_CONTAINS_VIF", String.join(",", vifs));
        }
        List<String> pifs = store.refList("network", network, "PIFs");
        if (!pifs.isEmpty()) {
            throw new XapiError("NETWORK_CONTAINS_PIF", String.join(",", pifs));
        }
        store.destroy("network", network);
    }
}
