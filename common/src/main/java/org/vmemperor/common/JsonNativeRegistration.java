package org.vmemperor.common;

import org.vmemperor.common.error.ApiError;
import org.vmemperor.common.task.TaskStatusView;
import org.vmemperor.common.view.IsoEntry;
import org.vmemperor.common.view.NetworkEntry;
import org.vmemperor.common.view.PoolEntry;
import org.vmemperor.common.view.TemplateEntry;
import org.vmemperor.common.view.VdiEntry;
import org.vmemperor.common.view.VmRecord;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The records Jackson writes that Quarkus REST cannot see as a resource method's declared return type, for native
 * executables: the error body (written by exception mappers through {@code Response}), the /taskstatus shapes
 * (returned as their sealed interface) and the views (often inside lists, maps or the /vmlist stream's messages).
 * On the JVM this changes nothing.
 */
@RegisterForReflection(targets = { ApiError.class, TaskStatusView.Standard.class, TaskStatusView.Installation.class,
        TaskStatusView.Playbook.class, PoolEntry.class, PoolEntry.NamedObject.class, PoolEntry.Host.class,
        NetworkEntry.class, VdiEntry.class, IsoEntry.class, TemplateEntry.class, VmRecord.class, VmRecord.Disk.class,
        VmRecord.Network.class })
final class JsonNativeRegistration {

    private JsonNativeRegistration() {
    }
}
