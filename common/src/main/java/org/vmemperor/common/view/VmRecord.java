package org.vmemperor.common.view;

import java.util.List;
import java.util.Map;

import org.vmemperor.common.access.AccessEntry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One VM as /vminfo answers it and as the /vmlist stream and GET /vmlist carry it. Components are in the spec's
 * (alphabetical) order. Times are ISO-8601 with offset ({@code 2018-09-25T15:35:58+00:00}), null when unset; memory is
 * a string of bytes as in the spec; guest data (os_version, PV drivers, IPs) is null while no guest tools report.
 *
 * @param disks by VBD ref: the VM's drives
 * @param networks by VIF device ("0", "1", ...): the VM's interfaces with the guest's addresses
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record VmRecord(
        @JsonProperty("PV_drivers_up_to_date") Boolean pvDriversUpToDate,
        @JsonProperty("PV_drivers_version") Map<String, String> pvDriversVersion,
        @JsonProperty("VCPUs_at_startup") long vcpusAtStartup,
        @JsonProperty("VCPUs_max") long vcpusMax,
        @JsonProperty("access") List<AccessEntry> access,
        @JsonProperty("disks") Map<String, Disk> disks,
        @JsonProperty("domain_type") String domainType,
        @JsonProperty("guest_metrics") String guestMetrics,
        @JsonProperty("install_time") String installTime,
        @JsonProperty("memory_actual") String memoryActual,
        @JsonProperty("metrics") String metrics,
        @JsonProperty("name_label") String nameLabel,
        @JsonProperty("networks") Map<String, Network> networks,
        @JsonProperty("os_version") Map<String, String> osVersion,
        @JsonProperty("power_state") String powerState,
        @JsonProperty("ref") String ref,
        @JsonProperty("start_time") String startTime,
        @JsonProperty("uuid") String uuid) {

    /** A drive as /vminfo lists it; {@code VDI} is the uuid of the disk or ISO in it ("" for an empty CD drive). */
    public record Disk(
            @JsonProperty("VDI") String vdi,
            @JsonProperty("attached") boolean attached,
            @JsonProperty("bootable") boolean bootable,
            @JsonProperty("device") String device,
            @JsonProperty("mode") String mode,
            @JsonProperty("type") String type) {
    }

    /** An interface as /vminfo lists it; {@code VIF} is its ref, {@code network} the network's uuid. */
    public record Network(
            @JsonProperty("MAC") String mac,
            @JsonProperty("VIF") String vif,
            @JsonProperty("attached") boolean attached,
            @JsonProperty("ip") String ip,
            @JsonProperty("ipv6") String ipv6,
            @JsonProperty("network") String network,
            @JsonProperty("status") String status) {
    }
}
