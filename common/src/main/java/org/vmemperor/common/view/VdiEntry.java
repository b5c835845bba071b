package org.vmemperor.common.view;

import java.util.List;
import java.util.SortedMap;

import org.vmemperor.common.access.AccessEntry;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One virtual disk as /vdilist and /vdiinfo show it (and as /vmdiskinfo merges it into a VBD's entry).
 *
 * @param sr uuid of the SR holding the disk
 * @param vms uuids of the VMs with a VBD on this disk (attached or not)
 * @param access the rights stored on the disk, in the spec's list form
 * @param virtualSize size in bytes, a string as in the spec
 */
public record VdiEntry(
        @JsonProperty("SR") String sr,
        @JsonProperty("VMs") List<String> vms,
        @JsonProperty("access") List<AccessEntry> access,
        @JsonProperty("name_description") String nameDescription,
        @JsonProperty("name_label") String nameLabel,
        @JsonProperty("ref") String ref,
        @JsonProperty("uuid") String uuid,
        @JsonProperty("virtual_size") String virtualSize) {

    public VdiEntry {
        vms = List.copyOf(vms);
        access = List.copyOf(access);
    }

    /** The entry as a sorted map under the spec's field names, for merging (/vmdiskinfo). */
    public SortedMap<String, Object> toMap() {
        return ViewMaps.sorted(this);
    }
}
