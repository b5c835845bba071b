package org.vmemperor.common.task;

import java.util.Locale;

/**
 * A task's state, stored in {@code task.state}. Standard tasks (XenAPI-backed operations) go from {@link #PENDING} to
 * {@link #SUCCESS}, {@link #FAILURE} or {@link #CANCELLED}; /createvm from {@link #PENDING} through {@link #CLONED}
 * and {@link #INSTALLING} to {@link #INSTALLED} or {@link #FAILED}; playbook runs from {@link #PENDING} through
 * {@link #QUEUED} and {@link #RUNNING} to {@link #SUCCESS} or {@link #FAILURE}.
 */
public enum TaskState {
    PENDING,
    SUCCESS,
    FAILURE,
    CANCELLED,
    /** /createvm: the template is cloned, the VM is being configured. */
    CLONED,
    /** /createvm: the VM runs its installer (or the ISO); the install watcher follows it. */
    INSTALLING,
    /** /createvm: the installed system runs (or the ISO install was handed to the console). */
    INSTALLED,
    /** /createvm: the build or the install failed. */
    FAILED,
    /** A playbook run waits for a free slot. */
    QUEUED,
    /** ansible-playbook runs. */
    RUNNING;

    /** The value in {@code task.state}, also the one /taskstatus answers for installations and playbooks. */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskState fromDb(String value) {
        for (TaskState state : values()) {
            if (state.dbValue().equals(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown task state " + value);
    }
}
