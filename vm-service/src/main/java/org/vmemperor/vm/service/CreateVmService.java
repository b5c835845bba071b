package org.vmemperor.vm.service;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskState;
import org.vmemperor.common.view.InventoryViews;
import org.vmemperor.common.xenapi.PoolUnavailableException;
import org.vmemperor.common.xenapi.VmOperations;
import org.vmemperor.common.xenapi.VmProvisioning;
import org.vmemperor.common.xenapi.XenApiFailure;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.vm.install.AutoinstallTokens;
import org.vmemperor.vm.install.InstallRequest;
import org.vmemperor.vm.install.InstallTarget;
import org.vmemperor.vm.install.PvArgs;
import org.vmemperor.vm.install.UnattendedInstalls;

/**
 * POST /createvm: validates every argument before anything is created, answers a task id at once and builds the VM on
 * a worker (clone, memory and vCPUs, disk, network, install parameters, start). The {@link InstallWatcher} takes the
 * task over once the VM runs.
 */
@ApplicationScoped
public class CreateVmService {

    private static final Logger LOG = Logger.getLogger(CreateVmService.class);
    private static final long MIB = 1024L * 1024L;
    /** Far above any real VM, low enough that sizes in bytes cannot overflow. */
    private static final long MAX_SIZE_MB = 1L << 30;
    private static final long MAX_VCPUS = 64;
    private static final int MAX_NAME = 255;
    /** How long to wait for the cache to show a write of ours (read-your-writes). */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final XenObjectCache cache;
    private final VmLookup lookup;
    private final InventoryViews inventory;
    private final VmProvisioning provisioning;
    private final VmOperations operations;
    private final TaskService tasks;
    private final AccessRightsWriter rights;
    private final UnattendedInstalls installs;
    private final AutoinstallTokens tokens;
    private final InstallWatcher watcher;
    private final Workers workers;

    public CreateVmService(XenObjectCache cache, VmLookup lookup, InventoryViews inventory,
            VmProvisioning provisioning, VmOperations operations, TaskService tasks, AccessRightsWriter rights,
            UnattendedInstalls installs, AutoinstallTokens tokens, InstallWatcher watcher, Workers workers) {
        this.cache = cache;
        this.lookup = lookup;
        this.inventory = inventory;
        this.provisioning = provisioning;
        this.operations = operations;
        this.tasks = tasks;
        this.rights = rights;
        this.installs = installs;
        this.tokens = tokens;
        this.watcher = watcher;
        this.workers = workers;
    }

    /** Validates, records the task row, starts the work and answers the task id. */
    public String create(UserPrincipal user, Args args) {
        CreateVmPlan plan = validate(user, args);
        String task = tasks.createTask(TaskKind.CREATEVM, user.id(), null);
        workers.run(task, () -> build(task, user, plan));
        return task;
    }

    // --- validation: every 400/403 happens here, before the pool is touched ---

    CreateVmPlan validate(UserPrincipal user, Args args) {
        XenObject template = template(args.string("template"));
        XenObject sr = storage(args.string("storage"));
        XenObject network = lookup.network(args.string("network"), user, Action.ATTACH);
        long vdiSize = size(args, "vdi_size");
        long ramSize = size(args, "ram_size");
        String name = args.string("name_label").trim();
        if (name.length() > MAX_NAME) {
            throw ApiException.badRequest("argument 'name_label' must be at most " + MAX_NAME + " characters");
        }
        long vcpus = args.optionalInteger("vcpus").orElse(1L);
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw ApiException.badRequest("argument 'vcpus' must be between 1 and " + MAX_VCPUS);
        }
        Optional<InstallTarget> target = InstallTarget.of(template);
        if (target.isPresent()) {
            InstallRequest request = InstallRequest.from(args, target.get());
            long required = request.partition().requiredMb();
            if (required > vdiSize) {
                throw ApiException.badRequest("argument 'partition' needs " + required + " MB, more than vdi_size ("
                        + vdiSize + " MB)");
            }
            return new CreateVmPlan(template, sr, network, vdiSize, ramSize, name, vcpus, Optional.of(request),
                    Optional.empty());
        }
        String isoUuid = args.optionalString("iso").orElseThrow(() -> ApiException.badRequest(
                "missing argument 'iso' (the template has no unattended install: boot from an ISO)"));
        XenObject iso = cache.requireByUuid(XenClass.VDI, isoUuid);
        if (!inventory.isIso(iso)) {
            throw ApiException.badRequest("argument 'iso': " + isoUuid + " is not an ISO image");
        }
        return new CreateVmPlan(template, sr, network, vdiSize, ramSize, name, vcpus, Optional.empty(),
                Optional.of(iso));
    }

    private XenObject template(String uuid) {
        XenObject template = lookup.template(uuid);
        if (!InventoryViews.isEnabled(template)) {
            throw ApiException.badRequest("argument 'template': " + uuid + " is not enabled for VMEmperor");
        }
        return template;
    }

    private XenObject storage(String uuid) {
        XenObject sr = cache.requireByUuid(XenClass.SR, uuid);
        if ("iso".equals(sr.string("content_type")) || sr.bool("is_tools_sr")) {
            throw ApiException.badRequest("argument 'storage': SR " + uuid + " holds ISO images, not disks");
        }
        return sr;
    }

    private static long size(Args args, String name) {
        long size = args.integer(name);
        if (size <= 0 || size > MAX_SIZE_MB) {
            throw ApiException.badRequest("argument '" + name + "' must be a positive number of megabytes");
        }
        return size;
    }

    // --- the work, on a worker thread ---

    private void build(String task, UserPrincipal user, CreateVmPlan plan) {
        String step = "clone the template";
        try {
            XenObject template = plan.template();
            String vmRef = provisioning.cloneVm(template.ref(), plan.nameLabel());
            String vmUuid = provisioning.uuid(vmRef);
            tasks.setObjectUuid(task, vmUuid);
            // the clone inherits the tag that enables the template; the VM is no template for VMEmperor
            operations.removeTag(vmRef, InventoryViews.TEMPLATE_TAG);
            awaitCache(() -> cache.byUuid(XenClass.VM, vmUuid).isPresent());
            rights.update(ObjectType.VM, vmUuid, list -> list.grant(user.id(), Action.ALL));
            tasks.update(task, TaskState.CLONED, 0.15, "cloned template '" + template.string("name_label") + "' into VM '"
                    + plan.nameLabel() + "'");

            step = "set memory and vCPUs";
            provisioning.setMemory(vmRef, template.number("memory_static_min"), plan.ramSizeMb() * MIB);
            provisioning.setVcpus(vmRef, template.number("VCPUs_max"), plan.vcpus());
            tasks.update(task, null, 0.25, "memory " + plan.ramSizeMb() + " MB, " + plan.vcpus() + " vCPU(s) set");

            step = "provision the disk";
            provisioning.setOtherConfig(vmRef, "disks", disksXml(plan));
            provisioning.provision(vmRef);
            String vdiUuid = grantDisk(vmUuid, user, plan);
            tasks.update(task, null, 0.45, "disk " + vdiUuid + " of " + plan.vdiSizeMb() + " MB created on SR '"
                    + plan.sr().string("name_label") + "'");

            step = "attach the network";
            XenObject vm = cache.requireByUuid(XenClass.VM, vmUuid);
            long mtu = plan.network().number("MTU") > 0 ? plan.network().number("MTU") : 1500;
            operations.createVif(vmRef, plan.network().ref(), lowestFree(devices(vm, "VIFs", XenClass.VIF, "device")),
                    mtu);
            tasks.update(task, null, 0.55, "network '" + plan.network().string("name_label") + "' attached");

            if (plan.install().isPresent()) {
                step = "prepare the unattended install";
                PvArgs pv = installs.prepare(plan.install().get(), vmUuid, task);
                provisioning.setPvArgs(vmRef, pv.commandLine());
                for (Map.Entry<String, String> entry : pv.otherConfig().entrySet()) {
                    provisioning.setOtherConfig(vmRef, entry.getKey(), entry.getValue());
                }
                tasks.update(task, null, 0.6, "unattended " + plan.install().get().target().kind().wireName()
                        + " install prepared");
            } else {
                step = "insert the ISO";
                insertIso(vmUuid, vmRef, plan.iso().get());
                tasks.update(task, null, 0.6, "ISO '" + plan.iso().get().string("name_label") + "' inserted");
            }

            step = "start the VM";
            provisioning.start(vmRef);
            if (!awaitCache(() -> cache.byUuid(XenClass.VM, vmUuid)
                    .map(v -> "Running".equals(v.string("power_state"))).orElse(false))) {
                String state = cache.byUuid(XenClass.VM, vmUuid).map(v -> v.string("power_state")).orElse("gone");
                tokens.revoke(task);
                tasks.fail(task, TaskState.FAILED, List.of("VM_NOT_RUNNING", vmUuid, state),
                        "the VM did not start (power state " + state + ")");
                return;
            }
            tasks.update(task, TaskState.INSTALLING, 0.7, plan.install().isPresent()
                    ? "installing: waiting for the installer to fetch its answer file from " + installs.answerFileBase()
                            + "... (vmemperor.public-url: the VM must reach this address)"
                    : "running from the ISO: install the system on the console");
            watcher.watch(task, vmUuid);
        } catch (XenApiFailure failure) {
            failed(task, step, failure.errorDescription(), String.join(" ", failure.errorDescription()));
        } catch (PoolUnavailableException e) {
            failed(task, step, List.of("POOL_UNAVAILABLE"), "the pool is unavailable");
        } catch (ApiException e) {
            failed(task, step, List.of("REFUSED"), e.body().message());
        } catch (RuntimeException e) {
            // the plan holds no password (only its hash, which InstallRequest never prints)
            LOG.errorf(e, "createvm task %s: could not %s", task, step);
            failed(task, step, List.of("INTERNAL_ERROR"), "internal error");
        }
    }

    /**
     * Ends the task as failed. The half-built VM is kept (its uuid is in the task, its creator holds all on it): it
     * shows what went wrong, and /destroyvm removes it.
     */
    private void failed(String task, String step, List<String> errorInfo, String reason) {
        try {
            tokens.revoke(task);
        } catch (RuntimeException e) {
            LOG.warnf("createvm task %s: could not revoke its answer-file link: %s", task, e.getMessage());
        }
        tasks.fail(task, TaskState.FAILED, errorInfo, "could not " + step + ": " + reason);
    }

    /** One system disk of vdi_size on the chosen SR: replaces whatever disks the template describes. */
    static String disksXml(CreateVmPlan plan) {
        return "<provision><disk device=\"0\" size=\"" + plan.vdiSizeMb() * MIB + "\" sr=\"" + plan.sr().uuid()
                + "\" bootable=\"true\" type=\"system\"/></provision>";
    }

    /** The creator gets all on the disk VM.provision created; answers its uuid. */
    private String grantDisk(String vmUuid, UserPrincipal user, CreateVmPlan plan) {
        awaitCache(() -> disk(vmUuid).isPresent());
        XenObject vdi = disk(vmUuid).orElseThrow(() -> new IllegalStateException("provisioned disk not seen"));
        provisioning.setVdiNameLabel(vdi.ref(), plan.nameLabel() + " disk");
        rights.update(ObjectType.VDI, vdi.uuid(), list -> list.grant(user.id(), Action.ALL));
        return vdi.uuid();
    }

    private Optional<XenObject> disk(String vmUuid) {
        return cache.byUuid(XenClass.VM, vmUuid).stream()
                .flatMap(vm -> vm.strings("VBDs").stream())
                .flatMap(ref -> cache.byRef(XenClass.VBD, ref).stream())
                .filter(vbd -> "Disk".equals(vbd.string("type")))
                .flatMap(vbd -> cache.byRef(XenClass.VDI, vbd.string("VDI")).stream())
                .findFirst();
    }

    /**
     * The ISO goes into the VM's CD drive (a clone of a template may have one); only without one a drive is created.
     * HVM guests boot from the CD first ("dc"); once the system is installed, ejecting the ISO boots the disk.
     */
    private void insertIso(String vmUuid, String vmRef, XenObject iso) {
        XenObject vm = cache.requireByUuid(XenClass.VM, vmUuid);
        Optional<XenObject> drive = vm.strings("VBDs").stream().flatMap(ref -> cache.byRef(XenClass.VBD, ref).stream())
                .filter(vbd -> "CD".equals(vbd.string("type"))).findFirst();
        if (drive.isPresent()) {
            if (!drive.get().bool("empty")) {
                operations.ejectCd(drive.get().ref());
            }
            operations.insertCd(drive.get().ref(), iso.ref());
        } else {
            operations.createVbd(vmRef, iso.ref(), lowestFree(devices(vm, "VBDs", XenClass.VBD, "userdevice")), true,
                    true);
        }
        if (InventoryViews.isHvm(vm)) {
            provisioning.setHvmBootParams(vmRef, Map.of("order", "dc"));
        }
    }

    private Set<String> devices(XenObject vm, String field, XenClass type, String deviceField) {
        Set<String> used = new HashSet<>();
        for (String ref : vm.strings(field)) {
            cache.byRef(type, ref).ifPresent(device -> used.add(device.string(deviceField)));
        }
        return used;
    }

    private static String lowestFree(Set<String> used) {
        int device = 0;
        while (used.contains(Integer.toString(device))) {
            device++;
        }
        return Integer.toString(device);
    }

    private boolean awaitCache(BooleanSupplier condition) {
        return cache.await(condition, SETTLE);
    }
}
