package org.vmemperor.simulator.demo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.vmemperor.simulator.ops.GuestAddresses;
import org.vmemperor.simulator.ops.NetworkOperations;
import org.vmemperor.simulator.ops.OsInfo;
import org.vmemperor.simulator.ops.VbdOperations;
import org.vmemperor.simulator.ops.VdiOperations;
import org.vmemperor.simulator.ops.VifOperations;
import org.vmemperor.simulator.ops.VmOperations;
import org.vmemperor.simulator.ops.VmPower;
import org.vmemperor.simulator.store.ObjectStore;

/**
 * The default pool, shaped like the examples of the VMEmperor API spec: host "emperordev", three networks, local
 * storage, an ISO library, the tools SR, a dozen default templates, dom0 and N ordinary VMs.
 */
public final class DemoPoolBuilder {
    private static final long GIB = 1024L * 1024 * 1024;
    private static final String PROVISION_10G = "<provision><disk device=\"0\" size=\"10737418240\" sr=\"\" "
            + "bootable=\"true\" type=\"system\"/></provision>";

    private final ObjectStore store;
    private final VmPower power;
    private final VmOperations vms;
    private final VdiOperations vdis;
    private final VbdOperations vbds;
    private final VifOperations vifs;
    private final NetworkOperations networks;

    public DemoPoolBuilder(ObjectStore store, VmPower power, VmOperations vms, VdiOperations vdis,
            VbdOperations vbds, VifOperations vifs, NetworkOperations networks) {
        this.store = store;
        this.power = power;
        this.vms = vms;
        this.vdis = vdis;
        this.vbds = vbds;
        this.vifs = vifs;
        this.networks = networks;
    }

    /** Builds everything inside one critical section. Caller: an empty store. */
    public void build(int ordinaryVms) {
        store.atomically(() -> {
            String host = host();
            String eth0 = network("Pool-wide network associated with eth0", "xenbr0", Map.of());
            String eth1 = network("second net", "xenbr1", Map.of());
            network("Host internal management network", "xenapi",
                    Map.of("is_host_internal_management_network", "true"));
            pif(host, eth0, "eth0", "10.10.10.18", true);
            pif(host, eth1, "eth1", "", false);
            // 600 GB as on the spec's example host, more when a benchmark asks for thousands of 10 GiB disks
            long localSize = Math.max(600 * GIB, (ordinaryVms * 10L + 200) * GIB);
            String local = sr(host, "Local storage", "lvm", "user", localSize, Map.of());
            String isos = sr(host, "ISO library", "iso", "iso", 50 * GIB, Map.of());
            String tools = sr(host, "XenServer Tools", "udev", "iso", GIB, Map.of());
            store.set("SR", tools, "is_tools_sr", true);
            for (String iso : List.of("systemrescuecd-x86-5.0.1.iso", "debian-12.iso", "ubuntu-22.04.iso",
                    "CentOS-7-x86_64-Minimal-2009.iso")) {
                iso(isos, iso, false);
            }
            iso(tools, "guest-tools.iso", true);
            pool(host, local);
            dom0(host);
            templates();
            for (int i = 1; i <= ordinaryVms; i++) {
                ordinaryVm(i, local, isos, eth0);
            }
        });
        // clients start with token "": the history of building the pool is of no use to anyone
        store.events().resumeAt(store.events().lastId());
    }

    private String host() {
        Map<String, Object> software = new LinkedHashMap<>();
        software.put("product_version", "8.2.1");
        software.put("product_version_text", "8.2");
        software.put("product_version_text_short", "8.2 CU1");
        software.put("platform_name", "XCP");
        software.put("platform_version", "3.2.1");
        software.put("product_brand", "XenServer");
        software.put("build_number", "release/yangtze/master/58");
        software.put("hostname", "emperordev");
        software.put("date", "2022-02-10");
        software.put("dbv", "2022.0210");
        software.put("xapi", "1.20");
        software.put("xen", "4.13.4-8.2.1");
        software.put("linux", "4.19.0+1");
        software.put("xencenter_min", "2.16");
        software.put("xencenter_max", "2.16");
        software.put("network_backend", "openvswitch");
        software.put("db_schema", "5.602");
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("cpu_count", "4");
        cpu.put("socket_count", "1");
        cpu.put("vendor", "GenuineIntel");
        cpu.put("speed", "3093.038");
        cpu.put("modelname", "Intel(R) Core(TM) i3-2100 CPU @ 3.10GHz");
        cpu.put("family", "6");
        cpu.put("model", "42");
        cpu.put("stepping", "7");
        cpu.put("flags", "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi mmx fxsr sse sse2 ht "
                + "syscall nx lm constant_tsc arch_perfmon rep_good nopl nonstop_tsc pni pclmulqdq est ssse3 cx16 "
                + "sse4_1 sse4_2 popcnt xsave avx hypervisor lahf_lm");
        cpu.put("features", "1d9ae3bf-bfebfbff-00000001-28100800");
        cpu.put("features_pv", "17c9cbf5-94b82203-2191cbf5-00000003-00000001-00000000-00000000-00000000-00000000");
        cpu.put("features_hvm", "17cbfbff-95ba2223-2993fbff-00000003-00000001-00000000-00000000-00000000-00000000");
        String metrics = store.create("host_metrics", Map.of("memory_total", 25683279872L, "memory_free",
                23061168128L, "live", true, "last_updated", Instant.now()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name_label", "emperordev");
        fields.put("name_description", "Default install");
        fields.put("hostname", "emperordev");
        fields.put("address", "127.0.0.1");
        fields.put("enabled", true);
        fields.put("API_version_major", 2L);
        fields.put("API_version_minor", 15L);
        fields.put("API_version_vendor", "XenSource");
        fields.put("software_version", software);
        fields.put("cpu_info", cpu);
        fields.put("metrics", metrics);
        fields.put("memory_overhead", 1073741824L);
        fields.put("sched_policy", "credit");
        fields.put("capabilities", List.of("xen-3.0-x86_64", "hvm-3.0-x86_32", "hvm-3.0-x86_64"));
        fields.put("edition", "xcp-ng");
        fields.put("allowed_operations", List.of("provision", "vm_start", "vm_resume", "vm_migrate"));
        return store.create("host", fields);
    }

    private String network(String name, String bridge, Map<String, Object> otherConfig) {
        String network = networks.create(Map.of("name_label", name, "bridge", bridge, "MTU", 1500L,
                "other_config", otherConfig));
        return network;
    }

    private void pif(String host, String network, String device, String ip, boolean management) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("device", device);
        fields.put("network", network);
        fields.put("host", host);
        fields.put("MAC", VifOperations.randomMac());
        fields.put("MTU", 1500L);
        fields.put("VLAN", -1L);
        fields.put("physical", true);
        fields.put("currently_attached", true);
        fields.put("management", management);
        fields.put("ip_configuration_mode", ip.isEmpty() ? "None" : "Static");
        fields.put("IP", ip);
        fields.put("netmask", ip.isEmpty() ? "" : "255.255.255.0");
        fields.put("gateway", ip.isEmpty() ? "" : "10.10.10.1");
        fields.put("DNS", ip.isEmpty() ? "" : "10.10.10.1");
        String pif = store.create("PIF", fields);
        store.addToList("network", network, "PIFs", pif);
        store.addToList("host", host, "PIFs", pif);
    }

    private String sr(String host, String name, String type, String contentType, long size,
            Map<String, Object> otherConfig) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name_label", name);
        fields.put("type", type);
        fields.put("content_type", contentType);
        fields.put("physical_size", size);
        fields.put("physical_utilisation", 0L);
        fields.put("virtual_allocation", 0L);
        fields.put("shared", false);
        fields.put("other_config", otherConfig);
        fields.put("allowed_operations", List.of("vdi_create", "vdi_destroy", "scan", "plug", "unplug"));
        String sr = store.create("SR", fields);
        String pbd = store.create("PBD", Map.of("host", host, "SR", sr, "currently_attached", true,
                "device_config", Map.of("location", "/dev/disk/" + name.toLowerCase(Locale.ROOT).replace(' ', '-'))));
        store.addToList("SR", sr, "PBDs", pbd);
        store.addToList("host", host, "PBDs", pbd);
        return sr;
    }

    private void iso(String sr, String file, boolean toolsIso) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name_label", file);
        fields.put("read_only", true);
        fields.put("sharable", true);
        fields.put("type", "user");
        fields.put("is_tools_iso", toolsIso);
        String vdi = vdis.createOn(sr, 700L * 1024 * 1024, fields);
        store.set("VDI", vdi, "location", file);
    }

    private void pool(String host, String localSr) {
        store.create("pool", Map.of("name_label", "emperor", "name_description", "testing", "master", host,
                "default_SR", localSr, "suspend_image_SR", localSr, "crash_dump_SR", localSr));
    }

    private void dom0(String host) {
        Map<String, Object> fields = baseVm("Control domain on host: emperordev", 4 * GIB, 4);
        fields.put("is_control_domain", true);
        fields.put("name_description", "The domain which manages physical devices and manages other domains");
        fields.put("domain_type", "pv");
        String dom0 = vms.createWithMetrics(fields);
        store.update("VM", dom0, Map.of("power_state", "Running", "resident_on", host, "domid", 0L));
        store.addToList("host", host, "resident_VMs", dom0);
        store.set("host", host, "control_domain", dom0);
        power.createConsoles(dom0);
        power.refreshAllowedOperations(dom0);
    }

    private record TemplateSpec(String name, String referenceLabel, String osKind, boolean hvm,
            Map<String, String> extra) {
    }

    private void templates() {
        List<TemplateSpec> specs = List.of(
                new TemplateSpec("Debian Jessie 8.0", "debian-8", "", false, Map.of("debian-release", "jessie")),
                new TemplateSpec("Debian Stretch 9.0", "debian-9", "", false, Map.of("debian-release", "stretch")),
                new TemplateSpec("Debian Buster 10", "debian-10", "", false, Map.of("debian-release", "buster")),
                new TemplateSpec("Debian Bookworm 12", "debian-12", "debian", false,
                        Map.of("debian-release", "bookworm")),
                new TemplateSpec("Ubuntu Bionic Beaver 18.04", "ubuntu-18.04", "", false,
                        Map.of("debian-release", "bionic")),
                new TemplateSpec("Ubuntu Focal Fossa 20.04", "ubuntu-20.04", "ubuntu", false,
                        Map.of("debian-release", "focal")),
                new TemplateSpec("Ubuntu Jammy Jellyfish 22.04", "ubuntu-22.04", "", false,
                        Map.of("debian-release", "jammy")),
                new TemplateSpec("CentOS 7", "centos-7", "", false, Map.of("rhel7", "true")),
                new TemplateSpec("CentOS 8", "centos-8", "", false, Map.of("rhel8", "true")),
                new TemplateSpec("Windows 10 (64-bit)", "", "", true, Map.of()),
                new TemplateSpec("Windows Server 2019 (64-bit)", "", "", true, Map.of()),
                new TemplateSpec("Other install media", "", "", true, Map.of()));
        for (TemplateSpec spec : specs) {
            Map<String, Object> fields = baseVm(spec.name(), 2 * GIB, 1);
            fields.put("is_a_template", true);
            fields.put("is_default_template", true);
            fields.put("reference_label", spec.referenceLabel());
            fields.put("name_description", "Template for " + spec.name());
            Map<String, Object> otherConfig = new LinkedHashMap<>(spec.extra());
            otherConfig.put("default_template", "true");
            otherConfig.put("disks", PROVISION_10G);
            if (!spec.osKind().isEmpty()) {
                otherConfig.put("os_kind", spec.osKind());
            }
            if (spec.hvm()) {
                fields.put("HVM_boot_policy", "BIOS order");
                fields.put("HVM_boot_params", Map.of("order", "dc"));
                fields.put("PV_bootloader", "");
                fields.put("domain_type", "hvm");
                fields.put("platform", Map.of("viridian", "true", "acpi", "1", "apic", "true", "pae", "true",
                        "nx", "true", "device-model", "qemu-upstream-compat"));
                otherConfig.put("install-methods", "cdrom");
            } else {
                fields.put("HVM_boot_policy", "");
                fields.put("PV_bootloader", "eliloader");
                fields.put("domain_type", "pv");
                otherConfig.put("linux_template", "true");
                otherConfig.put("install-methods", "cdrom,nfs,http,ftp");
            }
            fields.put("other_config", otherConfig);
            fields.put("recommendations", "<restrictions><restriction field=\"memory-static-max\" max=\"137438953472\" />"
                    + "<restriction field=\"vcpus-max\" max=\"32\" /></restrictions>");
            vms.createWithMetrics(fields);
        }
    }

    private void ordinaryVm(int index, String localSr, String isoSr, String network) {
        String distro = List.of("debian", "ubuntu", "centos").get(index % 3);
        String name = String.format(Locale.ROOT, "%s-vm-%02d", distro, index);
        Map<String, Object> fields = baseVm(name, GIB, 1);
        fields.put("PV_bootloader", "pygrub");
        fields.put("HVM_boot_policy", "");
        fields.put("domain_type", "pv");
        fields.put("other_config", Map.of("base_template_name", switch (distro) {
            case "ubuntu" -> "Ubuntu Jammy Jellyfish 22.04";
            case "centos" -> "CentOS 7";
            default -> "Debian Bookworm 12";
        }));
        String vm = vms.createWithMetrics(fields);
        String disk = vdis.createOn(localSr, 10 * GIB, Map.of("name_label", name + " 0", "type", "system"));
        vbds.attach(vm, disk, "Disk", "RW", Map.of("userdevice", "0", "bootable", true));
        List<String> isos = store.refList("SR", isoSr, "VDIs");
        String cd = index % 2 == 0 && !isos.isEmpty() ? isos.get(index % isos.size()) : ObjectStore.NULL_REF;
        vbds.attach(vm, cd, "CD", "RO", Map.of("userdevice", "3"));
        vifs.attach(vm, network, "0", Map.of());
        power.systems().put(store.str("VM", vm, "uuid"), OsInfo.of(distro, GuestAddresses.demo(index)));
        // two out of three run, so lists show both states
        if (index % 3 != 0) {
            power.boot(vm, false);
        }
    }

    private static Map<String, Object> baseVm(String name, long memory, long vcpus) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name_label", name);
        fields.put("power_state", "Halted");
        fields.put("domid", -1L);
        fields.put("memory_static_max", memory);
        fields.put("memory_dynamic_max", memory);
        fields.put("memory_dynamic_min", memory);
        fields.put("memory_static_min", Math.min(memory, 512L * 1024 * 1024));
        fields.put("memory_target", memory);
        fields.put("VCPUs_max", vcpus);
        fields.put("VCPUs_at_startup", vcpus);
        fields.put("actions_after_shutdown", "destroy");
        fields.put("actions_after_reboot", "restart");
        fields.put("actions_after_crash", "restart");
        fields.put("user_version", 1L);
        fields.put("hardware_platform_version", 0L);
        return fields;
    }
}
