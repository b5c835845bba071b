package org.vmemperor.vm.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.http.DirectBody;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskState;
import org.vmemperor.common.view.VmRecord;
import org.vmemperor.common.view.VmViews;
import org.vmemperor.common.xenapi.PoolUnavailableException;
import org.vmemperor.common.xenapi.VmOperations;
import org.vmemperor.common.xenapi.XenApiFailure;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

/** VM information (from the cache) and power operations (XenAPI tasks tracked as rows). */
@ApplicationScoped
public class VmService {

    private static final Logger LOG = Logger.getLogger(VmService.class);

    private final VmLookup lookup;
    private final VmViews views;
    private final XenObjectCache cache;
    private final VmOperations operations;
    private final TaskService tasks;
    private final Workers workers;

    public VmService(VmLookup lookup, VmViews views, XenObjectCache cache, VmOperations operations, TaskService tasks,
            Workers workers) {
        this.lookup = lookup;
        this.views = views;
        this.cache = cache;
        this.operations = operations;
        this.tasks = tasks;
        this.workers = workers;
    }

    public VmRecord info(UserPrincipal user, String uuid) {
        return views.record(lookup.vm(uuid, user, Action.LAUNCH));
    }

    /** {@link #info} as JSON bytes, serialised once per version of the VM's objects. */
    public byte[] infoJson(UserPrincipal user, String uuid) {
        return views.recordJson(lookup.vm(uuid, user, Action.LAUNCH));
    }

    public SortedMap<String, SortedMap<String, Object>> diskInfo(UserPrincipal user, String uuid) {
        return views.diskInfo(lookup.vm(uuid, user, Action.LAUNCH));
    }

    public SortedMap<String, SortedMap<String, Object>> netInfo(UserPrincipal user, String uuid) {
        return views.netInfo(lookup.vm(uuid, user, Action.LAUNCH));
    }

    /** {@link #list} as one JSON array, from the VMs' serialised records. */
    public DirectBody listJson(UserPrincipal user) {
        return views.listJson(vm -> AccessRights.canSee(user, vm));
    }

    /** {@link #listJson} compressed with gzip. */
    public DirectBody listGzip(UserPrincipal user) {
        return views.listGzip(vm -> AccessRights.canSee(user, vm));
    }

    /**
     * Starts ({@code enable}) or stops the VM. Asking for the state the VM is already in is not an error: the answer
     * is a task that is already {@code success}, so clients poll it like any other.
     */
    public String startStop(UserPrincipal user, String uuid, boolean enable) {
        XenObject vm = lookup.vm(uuid, user, Action.LAUNCH);
        String state = vm.string("power_state");
        if (enable) {
            if ("Running".equals(state)) {
                return tasks.completedTask(TaskKind.STARTVM, user.id(), uuid);
            }
            return tasks.trackXenTask(TaskKind.STARTVM, user.id(), operations.startAsync(vm.ref()), uuid);
        }
        if ("Halted".equals(state)) {
            return tasks.completedTask(TaskKind.STOPVM, user.id(), uuid);
        }
        return tasks.trackXenTask(TaskKind.STOPVM, user.id(), operations.shutdownAsync(vm.ref()), uuid);
    }

    /** A reboot of a VM that is not running fails in the task (VM_BAD_POWER_STATE in error_info), as XenAPI says. */
    public String reboot(UserPrincipal user, String uuid) {
        XenObject vm = lookup.vm(uuid, user, Action.LAUNCH);
        return tasks.trackXenTask(TaskKind.REBOOTVM, user.id(), operations.cleanRebootAsync(vm.ref()), uuid);
    }

    /**
     * Destroys a halted VM. Its disks are kept unless {@code destroyDisks}, for which the caller needs {@code destroy}
     * on every disk (checked before anything is destroyed). CD images are never destroyed.
     */
    public String destroy(UserPrincipal user, String uuid, boolean destroyDisks) {
        XenObject vm = lookup.vm(uuid, user, Action.DESTROY);
        String state = vm.string("power_state");
        if (!"Halted".equals(state)) {
            throw ApiException.xenApiRefused("the VM must be halted to be destroyed",
                    List.of("VM_BAD_POWER_STATE", vm.ref(), "halted", state.toLowerCase(Locale.ROOT)));
        }
        if (!destroyDisks) {
            return tasks.trackXenTask(TaskKind.DESTROYVM, user.id(), operations.destroyAsync(vm.ref()), uuid);
        }
        List<String> disks = new ArrayList<>();
        for (XenObject vbd : views.devices(vm, "VBDs", XenClass.VBD)) {
            if (!"Disk".equals(vbd.string("type"))) {
                continue;
            }
            cache.byRef(XenClass.VDI, vbd.string("VDI")).ifPresent(vdi -> {
                if (!AccessRights.check(user, vdi, Action.DESTROY)) {
                    throw ApiException.accessDenied("no 'destroy' right on disk " + vdi.uuid());
                }
                disks.add(vdi.ref());
            });
        }
        String task = tasks.createTask(TaskKind.DESTROYVM, user.id(), uuid);
        workers.run(task, () -> destroyWithDisks(task, vm.ref(), disks));
        return task;
    }

    private void destroyWithDisks(String task, String vmRef, List<String> disks) {
        try {
            operations.destroy(vmRef);
            tasks.update(task, null, 0.5, null);
            for (String vdi : disks) {
                operations.destroyVdi(vdi);
            }
            tasks.finish(task, TaskState.SUCCESS, null);
        } catch (XenApiFailure failure) {
            tasks.fail(task, TaskState.FAILURE, failure.errorDescription(), null);
        } catch (PoolUnavailableException e) {
            tasks.fail(task, TaskState.FAILURE, List.of("POOL_UNAVAILABLE", e.getMessage()), null);
        } catch (RuntimeException e) {
            LOG.error("destroying a VM with its disks failed", e);
            tasks.fail(task, TaskState.FAILURE, List.of("INTERNAL_ERROR"), null);
        }
    }
}
