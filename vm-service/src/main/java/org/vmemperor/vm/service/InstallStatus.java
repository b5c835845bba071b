package org.vmemperor.vm.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.task.TaskState;
import org.vmemperor.common.task.TaskStatusView;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObjectCache;

/**
 * What /taskstatus adds to a /createvm row from the pool. The row is written once, when the install ends; the VM may
 * vanish afterwards (destroyed, or lost by a pool restored from an older state, as the standalone's simulator after a
 * crash), and an {@code installed} task must not then read as a VM that exists.
 */
@ApplicationScoped
public class InstallStatus {

    private final XenObjectCache cache;

    public InstallStatus(XenObjectCache cache) {
        this.cache = cache;
    }

    public TaskStatusView withVmPresence(TaskStatusView view) {
        if (!(view instanceof TaskStatusView.Installation install) || install.uuid() == null
                || !TaskState.INSTALLED.dbValue().equals(install.state()) || !cache.isReady()
                || cache.byUuid(XenClass.VM, install.uuid()).isPresent()) {
            return view;
        }
        return new TaskStatusView.Installation(install.uuid(), install.state(), install.message()
                + "; the VM no longer exists in the pool (destroyed since, or lost by the pool)");
    }
}
