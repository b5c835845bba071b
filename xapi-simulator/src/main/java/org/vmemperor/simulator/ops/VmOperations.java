package org.vmemperor.simulator.ops;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.vmemperor.simulator.rpc.CallContext;
import org.vmemperor.simulator.rpc.MethodRegistry;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.store.ObjectStore;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * VM lifecycle with xapi's checks in xapi's order (xapi_vm_lifecycle.ml): power state, operation in progress,
 * template, control domain. Effects are VmPower's.
 */
public final class VmOperations {
    private static final Set<String> TEMPLATE_FORBIDDEN = Set.of("start", "start_on", "clean_shutdown",
            "hard_shutdown", "shutdown", "clean_reboot", "hard_reboot", "suspend", "resume", "pause", "unpause");
    /** Fields a clone gets fresh rather than copied from its source. */
    private static final Set<String> NOT_CLONED = Set.of("uuid", "VBDs", "VIFs", "consoles", "metrics",
            "guest_metrics", "resident_on", "domid", "current_operations", "allowed_operations", "snapshots",
            "snapshot_of", "children", "parent", "is_default_template", "name_label", "crash_dumps", "VTPMs",
            "VGPUs", "VUSBs", "attached_PCIs");

    private final ObjectStore store;
    private final VmPower power;
    private final VdiOperations vdis;
    private final VbdOperations vbds;
    private final VifOperations vifs;

    public VmOperations(ObjectStore store, VmPower power, VdiOperations vdis, VbdOperations vbds,
            VifOperations vifs) {
        this.store = store;
        this.power = power;
        this.vdis = vdis;
        this.vbds = vbds;
        this.vifs = vifs;
    }

    public void register(MethodRegistry methods) {
        methods.action("VM.create", 1, (ctx, p) -> create(p.map(0)));
        methods.action("VM.start", 3, (ctx, p) -> {
            check(ctx, p.str(0), "start", "Halted");
            power.boot(p.str(0), p.bool(1, false));
            return null;
        });
        methods.action("VM.start_on", 4, (ctx, p) -> {
            check(ctx, p.str(0), "start_on", "Halted");
            store.live("host", p.str(1));
            power.boot(p.str(0), p.bool(2, false));
            return null;
        });
        for (String op : List.of("clean_shutdown", "shutdown")) {
            methods.action("VM." + op, 1, (ctx, p) -> {
                check(ctx, p.str(0), op, "Running");
                power.halt(p.str(0), "Halted");
                return null;
            });
        }
        methods.action("VM.hard_shutdown", 1, (ctx, p) -> {
            check(ctx, p.str(0), "hard_shutdown", "Running", "Paused", "Suspended");
            power.halt(p.str(0), "Halted");
            return null;
        });
        methods.action("VM.clean_reboot", 1, (ctx, p) -> {
            check(ctx, p.str(0), "clean_reboot", "Running");
            power.reboot(p.str(0));
            return null;
        });
        methods.action("VM.hard_reboot", 1, (ctx, p) -> {
            check(ctx, p.str(0), "hard_reboot", "Running", "Paused");
            power.reboot(p.str(0));
            power.setPaused(p.str(0), false);
            return null;
        });
        methods.action("VM.suspend", 1, (ctx, p) -> {
            check(ctx, p.str(0), "suspend", "Running");
            power.halt(p.str(0), "Suspended");
            return null;
        });
        methods.action("VM.resume", 3, (ctx, p) -> {
            check(ctx, p.str(0), "resume", "Suspended");
            power.boot(p.str(0), p.bool(1, false));
            return null;
        });
        methods.action("VM.pause", 1, (ctx, p) -> {
            check(ctx, p.str(0), "pause", "Running");
            power.setPaused(p.str(0), true);
            return null;
        });
        methods.action("VM.unpause", 1, (ctx, p) -> {
            check(ctx, p.str(0), "unpause", "Paused");
            power.setPaused(p.str(0), false);
            return null;
        });
        methods.action("VM.destroy", 1, (ctx, p) -> {
            destroy(ctx, p.str(0));
            return null;
        });
        methods.action("VM.clone", 2, (ctx, p) -> {
            check(ctx, p.str(0), "clone", "Halted");
            return cloneVm(p.str(0), p.str(1), "");
        });
        methods.action("VM.copy", 3, (ctx, p) -> {
            check(ctx, p.str(0), "copy", "Halted");
            return cloneVm(p.str(0), p.str(1), p.str(2));
        });
        methods.action("VM.provision", 1, (ctx, p) -> {
            check(ctx, p.str(0), "provision", "Halted");
            provision(p.str(0));
            return null;
        });
        methods.action("VM.set_memory_limits", 5, (ctx, p) -> {
            setMemoryLimits(p.str(0), p.lng(1), p.lng(2), p.lng(3), p.lng(4));
            return null;
        });
        methods.action("VM.set_memory", 2, (ctx, p) -> {
            String vm = p.str(0);
            setMemoryLimits(vm, Math.min(store.num("VM", vm, "memory_static_min"), p.lng(1)), p.lng(1), p.lng(1),
                    p.lng(1));
            return null;
        });
        methods.query("VM.set_is_a_template", 2, (ctx, p) -> {
            String vm = p.str(0);
            if (p.bool(1, false) && !"Halted".equals(store.str("VM", vm, "power_state"))) {
                throw badPowerState(vm, "halted");
            }
            store.set("VM", vm, "is_a_template", p.bool(1, false));
            if (!p.bool(1, false)) {
                store.set("VM", vm, "is_default_template", false);
            }
            power.refreshAllowedOperations(vm);
            return null;
        });
    }

    private void check(CallContext ctx, String vm, String op, String... allowedStates) {
        store.live("VM", vm);
        String state = store.str("VM", vm, "power_state");
        if (!List.of(allowedStates).contains(state)) {
            throw badPowerState(vm, allowedStates[0].toLowerCase(Locale.ROOT));
        }
        Map<String, Object> busy = store.map("VM", vm, "current_operations");
        busy.remove(ctx.task());
        if (!busy.isEmpty()) {
            throw new XapiError("OTHER_OPERATION_IN_PROGRESS", "VM", vm);
        }
        if (store.bool("VM", vm, "is_a_template") && TEMPLATE_FORBIDDEN.contains(op)) {
            throw new XapiError("VM_IS_TEMPLATE", vm, op);
        }
        if (store.bool("VM", vm, "is_control_domain")) {
            throw XapiError.operationNotAllowed("This operation is not allowed on the control domain");
        }
    }

    private XapiError badPowerState(String vm, String expected) {
        return new XapiError("VM_BAD_POWER_STATE", vm, expected,
                store.str("VM", vm, "power_state").toLowerCase(Locale.ROOT));
    }

    public String create(Map<String, Object> record) {
        Map<String, Object> fields = new LinkedHashMap<>(record);
        for (String field : NOT_CLONED) {
            fields.remove(field);
        }
        fields.put("name_label", record.getOrDefault("name_label", ""));
        fields.put("power_state", "Halted");
        fields.put("domid", -1L);
        fields.put("resident_on", ObjectStore.NULL_REF);
        fields.put("is_control_domain", false);
        fields.put("is_default_template", false);
        return createWithMetrics(fields);
    }

    /** Every VM has a VM_metrics object, templates included. */
    public String createWithMetrics(Map<String, Object> fields) {
        String metrics = store.create("VM_metrics", Map.of("install_time", Instant.now(), "last_updated",
                Instant.now(), "memory_actual", fields.getOrDefault("memory_dynamic_max", 0L), "VCPUs_number",
                fields.getOrDefault("VCPUs_at_startup", 1L)));
        Map<String, Object> all = new LinkedHashMap<>(fields);
        all.put("metrics", metrics);
        String vm = store.create("VM", all);
        power.refreshAllowedOperations(vm);
        return vm;
    }

    private void destroy(CallContext ctx, String vm) {
        store.live("VM", vm);
        String state = store.str("VM", vm, "power_state");
        if (!"Halted".equals(state) && !"Suspended".equals(state)) {
            throw badPowerState(vm, "halted");
        }
        Map<String, Object> busy = store.map("VM", vm, "current_operations");
        busy.remove(ctx.task());
        if (!busy.isEmpty()) {
            throw new XapiError("OTHER_OPERATION_IN_PROGRESS", "VM", vm);
        }
        if (store.bool("VM", vm, "is_default_template")) {
            throw new XapiError("VM_CANNOT_DELETE_DEFAULT_TEMPLATE", vm);
        }
        if (store.bool("VM", vm, "is_control_domain")) {
            throw XapiError.operationNotAllowed("This operation is not allowed on the control domain");
        }
        if ("Suspended".equals(state)) {
            power.halt(vm, "Halted");
        }
        // as xapi: the VM's VBDs and VIFs go with it, its VDIs stay
        for (String vbd : store.refList("VM", vm, "VBDs")) {
            if (store.exists("VBD", vbd)) {
                vbds.detachFromOwners(vbd);
                store.destroy("VBD", vbd);
            }
        }
        for (String vif : store.refList("VM", vm, "VIFs")) {
            if (store.exists("VIF", vif)) {
                vifs.detachFromOwners(vif);
                store.destroy("VIF", vif);
            }
        }
        power.hideGuest(vm);
        String metrics = store.str("VM", vm, "metrics");
        if (store.exists("VM_metrics", metrics)) {
            store.destroy("VM_metrics", metrics);
        }
        power.systems().remove(store.str("VM", vm, "uuid"));
        store.destroy("VM", vm);
    }

    /** VM.clone and VM.copy: disks are copied (new VDIs), CDs share their ISO, VIFs get new MACs. */
    private String cloneVm(String source, String newName, String targetSr) {
        if (!targetSr.isEmpty() && !ObjectStore.isNull(targetSr)) {
            store.live("SR", targetSr);
        }
        Map<String, Object> fields = store.snapshot("VM", source);
        for (String field : NOT_CLONED) {
            fields.remove(field);
        }
        fields.put("name_label", newName);
        fields.put("power_state", "Halted");
        fields.put("domid", -1L);
        fields.put("is_default_template", false);
        String clone = createWithMetrics(fields);
        for (String vbd : store.refList("VM", source, "VBDs")) {
            if (!store.exists("VBD", vbd)) {
                continue;
            }
            Map<String, Object> old = store.snapshot("VBD", vbd);
            String vdi = String.valueOf(old.get("VDI"));
            if ("Disk".equals(old.get("type")) && store.exists("VDI", vdi)) {
                vdi = copyVdi(vdi, targetSr);
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("userdevice", old.get("userdevice"));
            extra.put("bootable", old.get("bootable"));
            extra.put("unpluggable", old.get("unpluggable"));
            extra.put("other_config", old.get("other_config"));
            vbds.attach(clone, store.exists("VDI", vdi) ? vdi : ObjectStore.NULL_REF, String.valueOf(old.get("type")),
                    String.valueOf(old.get("mode")), extra);
        }
        for (String vif : store.refList("VM", source, "VIFs")) {
            if (store.exists("VIF", vif)) {
                Map<String, Object> old = store.snapshot("VIF", vif);
                vifs.attach(clone, String.valueOf(old.get("network")), String.valueOf(old.get("device")),
                        Map.of("MTU", old.get("MTU"), "other_config", old.get("other_config")));
            }
        }
        power.systems().of(store.str("VM", source, "uuid"))
                .ifPresent(os -> power.systems().put(store.str("VM", clone, "uuid"), os));
        return clone;
    }

    private String copyVdi(String vdi, String targetSr) {
        Map<String, Object> old = store.snapshot("VDI", vdi);
        String sr = targetSr.isEmpty() || ObjectStore.isNull(targetSr) ? String.valueOf(old.get("SR")) : targetSr;
        Map<String, Object> extra = new LinkedHashMap<>();
        for (String field : List.of("name_label", "name_description", "type", "sharable", "read_only",
                "other_config", "sm_config")) {
            extra.put(field, old.get(field));
        }
        return vdis.createOn(sr, ((Number) old.get("virtual_size")).longValue(), extra);
    }

    /** Creates the disks described by other_config "disks", as xapi's provision does for templates. */
    private void provision(String vm) {
        Map<String, Object> otherConfig = store.map("VM", vm, "other_config");
        Object disks = otherConfig.get("disks");
        List<Map<String, String>> specs = disks == null ? List.of() : parseDisks(disks.toString());
        // resolve every SR before creating anything, so an unknown one leaves no half-provisioned VM
        List<String> srs = new ArrayList<>();
        for (Map<String, String> disk : specs) {
            String srUuid = disk.getOrDefault("sr", "");
            srs.add(srUuid.isEmpty() ? defaultSr() : store.refOfUuid("SR", srUuid));
        }
        for (int i = 0; i < specs.size(); i++) {
            Map<String, String> disk = specs.get(i);
            long size = Long.parseLong(disk.getOrDefault("size", "0"));
            Map<String, Object> vdiFields = new LinkedHashMap<>();
            vdiFields.put("name_label", store.str("VM", vm, "name_label") + " " + disk.getOrDefault("device", "0"));
            vdiFields.put("type", disk.getOrDefault("type", "system"));
            String vdi = vdis.createOn(srs.get(i), size, vdiFields);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("userdevice", disk.getOrDefault("device", "autodetect"));
            extra.put("bootable", Boolean.parseBoolean(disk.getOrDefault("bootable", "false")));
            vbds.attach(vm, vdi, "Disk", "RW", extra);
        }
        store.removeFromMap("VM", vm, "other_config", "disks");
        store.set("VM", vm, "is_a_template", false);
        power.refreshAllowedOperations(vm);
    }

    private String defaultSr() {
        String sr = store.str("pool", store.refs("pool").get(0), "default_SR");
        store.live("SR", sr);
        return sr;
    }

    private static List<Map<String, String>> parseDisks(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            NodeList nodes = factory.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.trim().getBytes(StandardCharsets.UTF_8)))
                    .getElementsByTagName("disk");
            List<Map<String, String>> disks = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element disk = (Element) nodes.item(i);
                Map<String, String> attributes = new LinkedHashMap<>();
                for (String name : List.of("device", "size", "sr", "bootable", "type")) {
                    if (disk.hasAttribute(name)) {
                        attributes.put(name, disk.getAttribute(name));
                    }
                }
                disks.add(attributes);
            }
            return disks;
        } catch (Exception malformed) {
            throw new XapiError("INVALID_VALUE", "other_config:disks", xml);
        }
    }

    private void setMemoryLimits(String vm, long staticMin, long staticMax, long dynamicMin, long dynamicMax) {
        store.live("VM", vm);
        if (!(staticMin <= dynamicMin && dynamicMin <= dynamicMax && dynamicMax <= staticMax)) {
            throw new XapiError("MEMORY_CONSTRAINT_VIOLATION",
                    "Memory limits must satisfy: static_min <= dynamic_min <= dynamic_max <= static_max");
        }
        store.update("VM", vm, Map.of("memory_static_min", staticMin, "memory_static_max", staticMax,
                "memory_dynamic_min", dynamicMin, "memory_dynamic_max", dynamicMax));
    }
}
