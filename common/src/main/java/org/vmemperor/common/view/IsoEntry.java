package org.vmemperor.common.view;

import java.util.List;
import java.util.SortedMap;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One ISO image as /isolist and /isoinfo show it (and as /vmdiskinfo merges it into a CD drive's entry). ISOs carry
 * no access rights, so there is no {@code access} field.
 *
 * @param sr uuid of the ISO library (SR) holding the image
 * @param vms uuids of the VMs with the image in a drive
 * @param location the image's file name in its library (or device file)
 * @param virtualSize size in bytes, a string as in the spec
 */
public record IsoEntry(
        @JsonProperty("SR") String sr,
        @JsonProperty("VMs") List<String> vms,
        @JsonProperty("location") String location,
        @JsonProperty("name_description") String nameDescription,
        @JsonProperty("name_label") String nameLabel,
        @JsonProperty("ref") String ref,
        @JsonProperty("uuid") String uuid,
        @JsonProperty("virtual_size") String virtualSize) {

    public IsoEntry {
        vms = List.copyOf(vms);
    }

    /** The entry as a sorted map under the spec's field names, for merging (/vmdiskinfo). */
    public SortedMap<String, Object> toMap() {
        return ViewMaps.sorted(this);
    }
}
