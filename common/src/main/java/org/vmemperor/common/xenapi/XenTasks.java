package org.vmemperor.common.xenapi;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;

/** XenAPI task objects: reading one the cache missed and destroying finished ones. Used by the task tracker. */
@ApplicationScoped
public class XenTasks {

    private final XenApi xenApi;

    public XenTasks(XenApi xenApi) {
        this.xenApi = xenApi;
    }

    /** The task's record straight from the pool, or empty when the pool no longer knows it. */
    public Optional<XenObject> fetch(String taskRef) {
        try {
            return Optional.of(xenApi.session().call(connection -> {
                Task.Record record = Types.toTask(taskRef).getRecord(connection);
                return new XenObject(XenClass.TASK, taskRef, RecordConverter.fields(record));
            }));
        } catch (XenApiFailure failure) {
            if ("HANDLE_INVALID".equals(failure.code())) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    /**
     * Destroys a finished task on the pool (XenAPI keeps tasks until someone does). A task already gone counts as
     * destroyed: another replica got there first.
     */
    public void destroy(String taskRef) {
        try {
            xenApi.session().run(connection -> Types.toTask(taskRef).destroy(connection));
        } catch (XenApiFailure failure) {
            if (!"HANDLE_INVALID".equals(failure.code())) {
                throw failure;
            }
        }
    }
}
