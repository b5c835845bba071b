package org.vmemperor.common.view;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.xenapi.XenApiConfig;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

/** /poollist's entries, from cached records only. */
@ApplicationScoped
public class PoolViews {

    private static final double MIB = 1024.0 * 1024.0;
    private static final double GIB = MIB * 1024.0;

    /**
     * SR types that hold ISO images or removable media rather than disks VMEmperor may create. Checked besides
     * {@code content_type}, which some SR drivers leave empty.
     */
    private static final Set<String> NON_DISK_SR_TYPES = Set.of("iso", "udev");

    private final XenObjectCache cache;
    private final InventoryViews views;
    private final XenApiConfig config;

    public PoolViews(XenObjectCache cache, InventoryViews views, XenApiConfig config) {
        this.cache = cache;
        this.views = views;
        this.config = config;
    }

    /**
     * Every pool (one per connection, so a one-element list as the original answered).
     *
     * @param withUrl whether to show the pool's XenAPI URL: administrators only (the original showed it to everyone)
     */
    public List<PoolEntry> pools(boolean withUrl) {
        List<PoolEntry> pools = new ArrayList<>();
        List<XenObject> srs = diskSrs();
        double hddAvailable = srs.stream().mapToDouble(PoolViews::freeBytes).sum() / GIB;
        List<PoolEntry.NamedObject> storage = srs.stream()
                .map(sr -> new PoolEntry.NamedObject(sr.uuid(), storageLabel(sr))).toList();
        List<PoolEntry.NamedObject> networks = views.networks().stream()
                .filter(network -> !isHostInternal(network))
                .map(network -> new PoolEntry.NamedObject(network.uuid(), network.string("name_label"))).toList();
        List<PoolEntry.Host> hosts = cache.all(XenClass.HOST).stream().sorted(InventoryViews.BY_NAME)
                .map(this::host).toList();
        List<TemplateEntry> templates = views.enabledTemplates().stream().map(views::template).toList();
        String url = withUrl ? config.url().orElse("") : null;
        for (XenObject pool : cache.all(XenClass.POOL)) {
            pools.add(new PoolEntry(networks, storage, hddAvailable, hosts, url, pool.string("name_description"),
                    pool.uuid(), templates));
        }
        return pools;
    }

    /**
     * The SRs new disks can go on, shared ones first (a VM on shared storage can run on any host), then by name. The
     * original offered only LVM SRs; any SR holding disks qualifies here (NFS, EXT, iSCSI...).
     */
    private List<XenObject> diskSrs() {
        return cache.all(XenClass.SR).stream()
                .filter(sr -> !"iso".equals(sr.string("content_type")) && !NON_DISK_SR_TYPES.contains(sr.string("type"))
                        && !sr.bool("is_tools_sr") && sr.number("physical_size") > 0)
                .sorted(Comparator.comparing((XenObject sr) -> !sr.bool("shared")).thenComparing(InventoryViews.BY_NAME))
                .toList();
    }

    private static String storageLabel(XenObject sr) {
        String label = sr.string("name_label") + " (Available " + (long) (freeBytes(sr) / GIB) + " GB)";
        return sr.bool("shared") ? "Shared storage: " + label : label;
    }

    private static double freeBytes(XenObject sr) {
        return Math.max(0, sr.number("physical_size") - sr.number("physical_utilisation"));
    }

    private static boolean isHostInternal(XenObject network) {
        return "true".equalsIgnoreCase(network.stringMap("other_config").get("is_host_internal_management_network"))
                || "host internal management network".equals(network.string("name_label").toLowerCase(Locale.ROOT));
    }

    private PoolEntry.Host host(XenObject host) {
        XenObject metrics = cache.byRef(XenClass.HOST_METRICS, host.string("metrics")).orElse(null);
        long total = metrics == null ? 0 : metrics.number("memory_total");
        long free = metrics == null ? 0 : metrics.number("memory_free");
        // xapi's host.compute_free_memory would be a round trip per request; this is its main term: memory that VMs
        // scheduled to start here have claimed but not yet taken
        long reserved = cache.all(XenClass.VM).stream()
                .filter(vm -> host.ref().equals(vm.string("scheduled_to_be_resident_on"))
                        && !host.ref().equals(vm.string("resident_on")))
                .mapToLong(vm -> vm.number("memory_static_max") + vm.number("memory_overhead")).sum();
        return new PoolEntry.Host(host.string("name_label"), host.strings("resident_VMs"),
                host.stringMap("software_version"), host.stringMap("cpu_info"), total / MIB,
                free / MIB, metrics != null && metrics.bool("live"), Math.max(0, free - reserved) / MIB);
    }
}
