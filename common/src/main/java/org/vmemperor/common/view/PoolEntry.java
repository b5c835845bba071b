package org.vmemperor.common.view;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One pool as /poollist shows it, fields in the spec's order.
 *
 * @param networks networks to create VMs on (the host-internal management network left out)
 * @param storageResources SRs to create disks on, labelled with their free space
 * @param hddAvailable free space on those SRs, in GiB
 * @param url the pool's XenAPI URL; {@code null} (and so absent) unless the caller is an administrator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PoolEntry(
        @JsonProperty("networks") List<NamedObject> networks,
        @JsonProperty("storage_resources") List<NamedObject> storageResources,
        @JsonProperty("hdd_available") double hddAvailable,
        @JsonProperty("host_list") List<Host> hostList,
        @JsonProperty("url") String url,
        @JsonProperty("description") String description,
        @JsonProperty("uuid") String uuid,
        @JsonProperty("templates_enabled") List<TemplateEntry> templatesEnabled) {

    /** A network or SR as /poollist names it: uuid and label. */
    public record NamedObject(@JsonProperty("uuid") String uuid, @JsonProperty("name_label") String nameLabel) {
    }

    /**
     * One host; memory in MiB as doubles, as the spec shows them.
     *
     * @param residentVms refs of the VMs running on the host
     * @param memoryAvailable free memory less what VMs about to start on the host have reserved
     */
    public record Host(
            @JsonProperty("name_label") String nameLabel,
            @JsonProperty("resident_VMs") List<String> residentVms,
            @JsonProperty("software_version") Map<String, String> softwareVersion,
            @JsonProperty("cpu_info") Map<String, String> cpuInfo,
            @JsonProperty("memory_total") double memoryTotal,
            @JsonProperty("memory_free") double memoryFree,
            @JsonProperty("live") boolean live,
            @JsonProperty("memory_available") double memoryAvailable) {
    }
}
