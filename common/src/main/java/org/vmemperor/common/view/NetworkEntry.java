package org.vmemperor.common.view;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import org.vmemperor.common.access.AccessEntry;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One network as /netlist and /netinfo show it (and as /vmnetinfo merges it into a VIF's entry). Components are
 * declared in the spec's (alphabetical) order, which is the order Jackson writes them in.
 *
 * @param pifs refs of the physical interfaces carrying the network
 * @param vms uuids of the VMs with a VIF on it
 * @param access the rights stored on the network, in the spec's list form
 */
public record NetworkEntry(
        @JsonProperty("PIFs") List<String> pifs,
        @JsonProperty("VMs") List<String> vms,
        @JsonProperty("access") List<AccessEntry> access,
        @JsonProperty("name_description") String nameDescription,
        @JsonProperty("name_label") String nameLabel,
        @JsonProperty("other_config") Map<String, String> otherConfig,
        @JsonProperty("ref") String ref,
        @JsonProperty("uuid") String uuid) {

    public NetworkEntry {
        pifs = List.copyOf(pifs);
        vms = List.copyOf(vms);
        access = List.copyOf(access);
        otherConfig = Map.copyOf(otherConfig);
    }

    /**
     * The entry as a sorted map under the spec's field names, for routes that merge it with other fields (/vmnetinfo):
     * a sorted map keeps the merged result in the spec's order.
     */
    public SortedMap<String, Object> toMap() {
        return ViewMaps.sorted(this);
    }
}
