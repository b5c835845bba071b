package org.vmemperor.common.view;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.http.DirectBody;
import org.vmemperor.common.http.Gzip;
import org.vmemperor.common.xenapi.CacheChange;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The VM record of /vminfo and /vmlist, and the merged /vmdiskinfo and /vmnetinfo shapes, built from cached records
 * only. Network and disk entries come from {@link InventoryViews} so every route shows them alike.
 */
@ApplicationScoped
public class VmViews {

    private static final DateTimeFormatter SPEC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);

    private static final byte[] EMPTY_ARRAY = { '[', ']' };
    private static final ByteBuf OPEN = Unpooled.unreleasableBuffer(Unpooled.directBuffer(1).writeByte('['));
    private static final ByteBuf CLOSE = Unpooled.unreleasableBuffer(Unpooled.directBuffer(1).writeByte(']'));

    /**
     * A VM's record as JSON, with the cached objects it was built from: it is still current as long as the cache holds
     * the very same objects (cached objects are immutable and replaced on every change).
     */
    private record Serialised(XenObject[] inputs, byte[] json) {
    }

    private final XenObjectCache cache;
    private final InventoryViews inventory;
    private final ObjectWriter writer;
    private final Map<String, Serialised> serialised = new ConcurrentHashMap<>();
    private volatile VmList current;

    public VmViews(XenObjectCache cache, InventoryViews inventory, ObjectMapper mapper) {
        this.cache = cache;
        this.inventory = inventory;
        this.writer = mapper.writerFor(VmRecord.class);
        cache.subscribe(change -> {
            if (change.type() == XenClass.VM && change.operation() == CacheChange.Operation.DEL) {
                serialised.remove(change.ref());
            }
        });
    }

    /** Whether the object is a VM users deal with: not a template, a snapshot or the control domain. */
    public static boolean isUserVm(XenObject vm) {
        return vm.type() == XenClass.VM && !vm.bool("is_a_template") && !vm.bool("is_a_snapshot")
                && !vm.bool("is_control_domain");
    }

    /** Every user VM, ordered by name then uuid (access filtering is the caller's). */
    public List<XenObject> vms() {
        return current().vms();
    }

    public VmRecord record(XenObject vm) {
        Optional<XenObject> metrics = cache.byRef(XenClass.VM_METRICS, vm.string("metrics"));
        Optional<XenObject> guest = cache.byRef(XenClass.VM_GUEST_METRICS, vm.string("guest_metrics"));
        Map<String, String> guestNetworks = guest.map(g -> g.stringMap("networks")).orElse(Map.of());
        return new VmRecord(
                guest.map(g -> g.bool("PV_drivers_up_to_date")).orElse(null),
                guest.map(g -> sorted(g.stringMap("PV_drivers_version"))).orElse(null),
                vm.number("VCPUs_at_startup"),
                vm.number("VCPUs_max"),
                InventoryViews.access(vm),
                disks(vm),
                vm.string("domain_type"),
                guest.map(XenObject::ref).orElse(null),
                metrics.map(m -> time(m.time("install_time"))).orElse(null),
                metrics.map(m -> Long.toString(m.number("memory_actual"))).orElse(null),
                metrics.map(XenObject::ref).orElse(null),
                vm.string("name_label"),
                networks(vm, guestNetworks),
                guest.map(g -> sorted(g.stringMap("os_version"))).orElse(null),
                vm.string("power_state"),
                vm.ref(),
                metrics.map(m -> time(m.time("start_time"))).orElse(null),
                vm.uuid());
    }

    /**
     * {@link #record(XenObject)} as JSON bytes, built once per version of the objects it shows: /vminfo and GET /vmlist
     * answer with these instead of building and writing the record on every request.
     */
    public byte[] recordJson(XenObject vm) {
        XenObject[] inputs = inputs(vm);
        Serialised known = serialised.get(vm.ref());
        if (known != null && sameObjects(known.inputs(), inputs)) {
            return known.json();
        }
        byte[] json;
        try {
            json = writer.writeValueAsBytes(record(vm));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a VM record could not be written as JSON", e);
        }
        if (cache.byRef(XenClass.VM, vm.ref()).isPresent()) {
            serialised.put(vm.ref(), new Serialised(inputs, json));
        }
        return json;
    }

    /**
     * GET /vmlist: a JSON array of {@link #recordJson} of each {@link #vms() VM} the predicate lets through, in order.
     * The list, its order and its records are kept per version of the cache, with the whole array in direct memory:
     * an administrator's answer is that array itself, another user's is made of slices of it, so no request copies
     * the records. The predicate is tested when the answer is written; throws
     * {@link org.vmemperor.common.xenapi.PoolUnavailableException} now.
     */
    public DirectBody listJson(Predicate<XenObject> visible) {
        return list(visible, false);
    }

    /**
     * {@link #listJson} compressed with gzip ({@link Gzip}); the whole list is compressed once per version of the
     * cache: at 10,000 VMs that is 12 MB of JSON, which compressing on every request made the slowest way to read it.
     */
    public DirectBody listGzip(Predicate<XenObject> visible) {
        return list(visible, true);
    }

    private DirectBody list(Predicate<XenObject> visible, boolean gzip) {
        VmList asked = current();
        return () -> {
            for (VmList list = asked;; list = current()) {
                ByteBuf body = list.open(visible, gzip);
                if (body != null) {
                    return body;
                }
                // the cache changed between the request and its answer: the newer list, as a later request gets
            }
        };
    }

    /** The list of the cache's version, built once per version by whichever request asks first. */
    private VmList current() {
        // a kept list must not outlive the pool's reachability: while the pool is away reads answer 503, as the
        // cache's own reads do
        cache.requireReady();
        long version = cache.version();
        VmList known = current;
        if (known != null && known.version() >= version) {
            return known;
        }
        // built from objects at least as new as the version read first: tagged with it, it is rebuilt once more at
        // worst, never kept when stale
        List<XenObject> vms = new ArrayList<>(cache.all(XenClass.VM).stream().filter(VmViews::isUserVm).toList());
        vms.sort(InventoryViews.BY_NAME);
        byte[][] records = new byte[vms.size()][];
        for (int i = 0; i < records.length; i++) {
            records[i] = recordJson(vms.get(i));
        }
        return install(new VmList(version, List.copyOf(vms), records));
    }

    /** The newer of the kept list and {@code built}; a list replaced frees its direct memory once no answer reads it. */
    private synchronized VmList install(VmList built) {
        VmList known = current;
        if (known != null && known.version() >= built.version()) {
            return known;
        }
        current = built;
        if (known != null) {
            known.release();
        }
        return built;
    }

    /**
     * The user VMs of one version of the cache in /vmlist's order, their records, and, once asked for, their whole
     * array and its gzip in direct memory. The array holds one reference to those buffers, each answer one more, so
     * a replaced list's memory is freed when the last answer that reads it is written.
     */
    private static final class VmList {

        private final long version;
        private final List<XenObject> vms;
        private final byte[][] records;
        /** Where each record starts in {@link #all}: after its '[' or ','. */
        private final int[] starts;
        private final int size;
        private ByteBuf all;
        private ByteBuf allGzip;
        private boolean released;

        VmList(long version, List<XenObject> vms, byte[][] records) {
            this.version = version;
            this.vms = vms;
            this.records = records;
            this.starts = new int[records.length];
            int at = 1;
            for (int i = 0; i < records.length; i++) {
                starts[i] = at;
                at += records[i].length + 1;
            }
            this.size = Math.max(at, EMPTY_ARRAY.length);
        }

        long version() {
            return version;
        }

        List<XenObject> vms() {
            return vms;
        }

        /** The array of the records the predicate lets through, for one answer to release; null once replaced. */
        ByteBuf open(Predicate<XenObject> visible, boolean gzip) {
            boolean[] shown = new boolean[records.length];
            int count = 0;
            for (int i = 0; i < shown.length; i++) {
                shown[i] = visible.test(vms.get(i));
                count += shown[i] ? 1 : 0;
            }
            ByteBuf json;
            synchronized (this) {
                if (released) {
                    return null;
                }
                if (count == shown.length) {
                    return (gzip ? allGzip() : all()).retainedDuplicate();
                }
                json = count == 0 ? Unpooled.wrappedBuffer(EMPTY_ARRAY) : select(shown);
            }
            if (!gzip) {
                return json;
            }
            try {
                return Gzip.compress(json, ByteBufAllocator.DEFAULT);
            } finally {
                json.release();
            }
        }

        synchronized void release() {
            released = true;
            if (all != null) {
                all.release();
            }
            if (allGzip != null) {
                allGzip.release();
            }
        }

        /** The shown records as slices of {@link #all}: each run of consecutive ones is one slice, commas included. */
        private ByteBuf select(boolean[] shown) {
            ByteBuf whole = all();
            CompositeByteBuf array = Unpooled.compositeBuffer(Integer.MAX_VALUE);
            array.addComponent(true, OPEN.retainedDuplicate());
            int i = 0;
            boolean first = true;
            while (i < shown.length) {
                if (!shown[i]) {
                    i++;
                    continue;
                }
                int run = i;
                while (run < shown.length && shown[run]) {
                    run++;
                }
                // a run's slice starts at its first record, or at the comma before it when it is not the first shown
                int from = first ? starts[i] : starts[i] - 1;
                int to = starts[run - 1] + records[run - 1].length;
                array.addComponent(true, whole.retainedSlice(from, to - from));
                first = false;
                i = run;
            }
            return array.addComponent(true, CLOSE.retainedDuplicate());
        }

        /** Built on first use, in one direct buffer of the array's size. */
        private ByteBuf all() {
            if (all == null) {
                ByteBuf array = Unpooled.directBuffer(size, size).writeByte('[');
                for (int i = 0; i < records.length; i++) {
                    if (i > 0) {
                        array.writeByte(',');
                    }
                    array.writeBytes(records[i]);
                }
                all = array.writeByte(']');
            }
            return all;
        }

        private ByteBuf allGzip() {
            if (allGzip == null) {
                allGzip = Gzip.compress(all(), ByteBufAllocator.DEFAULT);
            }
            return allGzip;
        }
    }

    /** Every cached object {@link #record} reads for this VM, in a fixed order (null where the cache has none). */
    private XenObject[] inputs(XenObject vm) {
        List<String> vbds = vm.strings("VBDs");
        List<String> vifs = vm.strings("VIFs");
        XenObject[] inputs = new XenObject[3 + 2 * vbds.size() + 2 * vifs.size()];
        int at = 0;
        inputs[at++] = vm;
        inputs[at++] = cache.byRef(XenClass.VM_METRICS, vm.string("metrics")).orElse(null);
        inputs[at++] = cache.byRef(XenClass.VM_GUEST_METRICS, vm.string("guest_metrics")).orElse(null);
        for (String ref : vbds) {
            XenObject vbd = cache.byRef(XenClass.VBD, ref).orElse(null);
            inputs[at++] = vbd;
            inputs[at++] = vbd == null ? null : cache.byRef(XenClass.VDI, vbd.string("VDI")).orElse(null);
        }
        for (String ref : vifs) {
            XenObject vif = cache.byRef(XenClass.VIF, ref).orElse(null);
            inputs[at++] = vif;
            inputs[at++] = vif == null ? null : cache.byRef(XenClass.NETWORK, vif.string("network")).orElse(null);
        }
        return inputs;
    }

    private static boolean sameObjects(XenObject[] before, XenObject[] now) {
        if (before.length != now.length) {
            return false;
        }
        for (int i = 0; i < now.length; i++) {
            if (before[i] != now[i]) {
                return false;
            }
        }
        return true;
    }

    /** /vmdiskinfo: by VBD ref, the drive's fields merged over the VDI or ISO entry of the disk in it. */
    public SortedMap<String, SortedMap<String, Object>> diskInfo(XenObject vm) {
        SortedMap<String, SortedMap<String, Object>> result = new TreeMap<>();
        for (XenObject vbd : devices(vm, "VBDs", XenClass.VBD)) {
            SortedMap<String, Object> merged = inventory.diskEntryOfVbd(vbd).orElseGet(TreeMap::new);
            VmRecord.Disk disk = disk(vbd);
            merged.put("VDI", disk.vdi());
            merged.put("attached", disk.attached());
            merged.put("bootable", disk.bootable());
            merged.put("device", disk.device());
            merged.put("mode", disk.mode());
            merged.put("type", disk.type());
            result.put(vbd.ref(), merged);
        }
        return result;
    }

    /** /vmnetinfo: by VIF device, the interface's fields merged over the network's entry. */
    public SortedMap<String, SortedMap<String, Object>> netInfo(XenObject vm) {
        Map<String, String> guestNetworks = cache.byRef(XenClass.VM_GUEST_METRICS, vm.string("guest_metrics"))
                .map(g -> g.stringMap("networks")).orElse(Map.of());
        SortedMap<String, SortedMap<String, Object>> result = new TreeMap<>();
        for (XenObject vif : devices(vm, "VIFs", XenClass.VIF)) {
            SortedMap<String, Object> merged = inventory.networkEntryOfVif(vif).orElseGet(TreeMap::new);
            VmRecord.Network network = network(vif, guestNetworks);
            merged.put("MAC", network.mac());
            merged.put("VIF", network.vif());
            merged.put("attached", network.attached());
            merged.put("ip", network.ip());
            merged.put("ipv6", network.ipv6());
            merged.put("network", network.network());
            merged.put("status", network.status());
            result.put(vif.string("device"), merged);
        }
        return result;
    }

    /** The VM's VBDs or VIFs that the cache holds, in XenAPI's order. */
    public List<XenObject> devices(XenObject vm, String field, XenClass type) {
        List<XenObject> devices = new ArrayList<>();
        for (String ref : vm.strings(field)) {
            cache.byRef(type, ref).ifPresent(devices::add);
        }
        return devices;
    }

    private Map<String, VmRecord.Disk> disks(XenObject vm) {
        Map<String, VmRecord.Disk> disks = new TreeMap<>();
        for (XenObject vbd : devices(vm, "VBDs", XenClass.VBD)) {
            disks.put(vbd.ref(), disk(vbd));
        }
        return disks;
    }

    private VmRecord.Disk disk(XenObject vbd) {
        String vdiUuid = cache.byRef(XenClass.VDI, vbd.string("VDI")).map(XenObject::uuid).orElse("");
        return new VmRecord.Disk(vdiUuid, vbd.bool("currently_attached"), vbd.bool("bootable"), vbd.string("device"),
                vbd.string("mode"), vbd.string("type"));
    }

    private Map<String, VmRecord.Network> networks(XenObject vm, Map<String, String> guestNetworks) {
        Map<String, VmRecord.Network> networks = new TreeMap<>();
        for (XenObject vif : devices(vm, "VIFs", XenClass.VIF)) {
            networks.put(vif.string("device"), network(vif, guestNetworks));
        }
        return networks;
    }

    private VmRecord.Network network(XenObject vif, Map<String, String> guestNetworks) {
        String device = vif.string("device");
        String networkUuid = cache.byRef(XenClass.NETWORK, vif.string("network")).map(XenObject::uuid).orElse("");
        return new VmRecord.Network(vif.string("MAC"), vif.ref(), vif.bool("currently_attached"),
                guestNetworks.get(device + "/ip"), guestNetworks.get(device + "/ipv6/0"), networkUuid, "");
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return new TreeMap<>(map);
    }

    private static String time(Instant instant) {
        return instant == null || Instant.EPOCH.equals(instant) ? null : SPEC_TIME.format(instant);
    }
}
