package org.vmemperor.common.view;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.access.AccessEntry;
import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

/**
 * The spec's JSON entries for networks, virtual disks, ISO images and templates, built from cached records only (no
 * XenAPI call). Every route that shows one of these (the inventory lists and infos, /vmdiskinfo, /vmnetinfo,
 * /tmpllist, /poollist) builds it here, so the shapes cannot drift apart.
 */
@ApplicationScoped
public class InventoryViews {

    /** The tag that makes a template available to users (/tmpllist, /poollist's templates_enabled). */
    public static final String TEMPLATE_TAG = "vmemperor";

    /** Orders list answers stably (pages must not shift between requests): by name, then uuid. */
    public static final Comparator<XenObject> BY_NAME = Comparator
            .comparing((XenObject object) -> object.string("name_label"))
            .thenComparing(XenObject::uuid);

    private static final List<String> OS_KINDS = List.of("ubuntu", "debian", "centos");

    /**
     * VDI types a user can own and attach. Snapshots, suspend images, crash dumps, HA state files and the like belong
     * to the pool's machinery and are never listed.
     */
    private static final Set<String> DISK_TYPES = Set.of("user", "system", "ephemeral");

    private final XenObjectCache cache;

    public InventoryViews(XenObjectCache cache) {
        this.cache = cache;
    }

    // --- entries ---

    public NetworkEntry network(XenObject network) {
        return new NetworkEntry(network.strings("PIFs"), vmUuids(network, "VIFs", XenClass.VIF), access(network),
                network.string("name_description"), network.string("name_label"), network.stringMap("other_config"),
                network.ref(), network.uuid());
    }

    public VdiEntry vdi(XenObject vdi) {
        return new VdiEntry(srUuid(vdi), vmUuids(vdi, "VBDs", XenClass.VBD), access(vdi), vdi.string("name_description"),
                vdi.string("name_label"), vdi.ref(), vdi.uuid(), Long.toString(vdi.number("virtual_size")));
    }

    public IsoEntry iso(XenObject vdi) {
        return new IsoEntry(srUuid(vdi), vmUuids(vdi, "VBDs", XenClass.VBD), vdi.string("location"),
                vdi.string("name_description"), vdi.string("name_label"), vdi.ref(), vdi.uuid(),
                Long.toString(vdi.number("virtual_size")));
    }

    /**
     * The entry of the disk in a drive, as /vmdiskinfo merges it with the VBD's own fields: the ISO entry for an image
     * in an ISO library, the VDI entry (with {@code access}) otherwise; empty for an empty drive or a VDI the cache does
     * not hold (yet).
     */
    public Optional<SortedMap<String, Object>> diskEntryOfVbd(XenObject vbd) {
        return cache.byRef(XenClass.VDI, vbd.string("VDI"))
                .map(vdi -> isIso(vdi) ? iso(vdi).toMap() : vdi(vdi).toMap());
    }

    /** The network entry of a VIF's network, as /vmnetinfo merges it with the VIF's own fields. */
    public Optional<SortedMap<String, Object>> networkEntryOfVif(XenObject vif) {
        return cache.byRef(XenClass.NETWORK, vif.string("network")).map(network -> network(network).toMap());
    }

    public TemplateEntry template(XenObject template) {
        return new TemplateEntry(isHvm(template), template.string("name_label"), osKind(template).orElse(null),
                template.ref(), template.uuid());
    }

    /** The object's rights in the spec's list form ({@code [{"userid": "users/<id>", "access": [...]}]}). */
    public static List<AccessEntry> access(XenObject object) {
        return object.access().entries();
    }

    /** What {@link AccessRights} checks read: the object's {@code other_config}. */
    public static Map<String, String> otherConfig(XenObject object) {
        return object.stringMap("other_config");
    }

    // --- what the lists hold ---

    /** Every network, ordered by name (access filtering is the caller's). */
    public List<XenObject> networks() {
        return sorted(cache.all(XenClass.NETWORK));
    }

    /** Every virtual disk /vdilist may show: on a non-ISO SR, not a snapshot, of a user-facing type. */
    public List<XenObject> disks() {
        return sorted(cache.all(XenClass.VDI).stream().filter(this::isDisk).toList());
    }

    /** Every ISO image: a VDI in an SR whose content type is {@code iso} (ISO libraries, the tools SR). */
    public List<XenObject> isos() {
        return sorted(cache.all(XenClass.VDI).stream().filter(this::isIso).toList());
    }

    /** Templates tagged {@link #TEMPLATE_TAG}, ordered by name. */
    public List<XenObject> enabledTemplates() {
        return sorted(cache.all(XenClass.VM).stream()
                .filter(vm -> vm.bool("is_a_template") && !vm.bool("is_a_snapshot") && isEnabled(vm)).toList());
    }

    public boolean isIso(XenObject vdi) {
        return cache.byRef(XenClass.SR, vdi.string("SR"))
                .map(sr -> "iso".equals(sr.string("content_type")))
                .orElse(false);
    }

    public boolean isDisk(XenObject vdi) {
        return !vdi.bool("is_a_snapshot") && DISK_TYPES.contains(vdi.string("type"))
                && cache.byRef(XenClass.SR, vdi.string("SR")).isPresent() && !isIso(vdi);
    }

    public static boolean isEnabled(XenObject template) {
        return template.strings("tags").contains(TEMPLATE_TAG);
    }

    public static boolean isHvm(XenObject template) {
        return !template.string("HVM_boot_policy").isEmpty();
    }

    /**
     * The unattended-install flavour of a PV template: {@code other_config["os_kind"]} if set, else guessed from the
     * reference label's prefix (ubuntu-18.04 -> ubuntu). HVM templates have none: the installers boot PV kernels.
     */
    public static Optional<String> osKind(XenObject template) {
        if (isHvm(template)) {
            return Optional.empty();
        }
        String configured = otherConfig(template).getOrDefault("os_kind", "");
        if (!configured.isBlank()) {
            return Optional.of(configured);
        }
        String label = template.string("reference_label").toLowerCase(Locale.ROOT);
        return OS_KINDS.stream().filter(label::startsWith).findFirst();
    }

    // --- helpers ---

    private String srUuid(XenObject vdi) {
        return cache.byRef(XenClass.SR, vdi.string("SR")).map(XenObject::uuid).orElse("");
    }

    /**
     * The uuids of the VMs behind an object's devices (a VDI's VBDs, a network's VIFs), in device order, each once. The
     * back-reference list is XenAPI's own, so this costs one lookup per device rather than a scan of all devices.
     */
    private List<String> vmUuids(XenObject object, String devicesField, XenClass deviceClass) {
        Set<String> uuids = new LinkedHashSet<>();
        for (String deviceRef : object.strings(devicesField)) {
            cache.byRef(deviceClass, deviceRef)
                    .flatMap(device -> cache.byRef(XenClass.VM, device.string("VM")))
                    .ifPresent(vm -> uuids.add(vm.uuid()));
        }
        return new ArrayList<>(uuids);
    }

    private static List<XenObject> sorted(Collection<XenObject> objects) {
        List<XenObject> list = new ArrayList<>(objects);
        list.sort(BY_NAME);
        return list;
    }
}
