package org.vmemperor.common.task;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The three /taskstatus answers of the spec. Resources return the record as it is. */
public sealed interface TaskStatusView {

    /**
     * XenAPI-backed tasks. {@code created}/{@code finished} are UTC, formatted as the spec shows them
     * ({@code 2018-10-08T14:05:24}); {@code finished} and {@code error_info} are absent while they do not apply.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Standard(String created, String status, double progress, String finished,
            @JsonProperty("error_info") List<String> errorInfo) implements TaskStatusView {
    }

    /** /createvm: the VM's uuid (null until it exists), the installation state and a human-readable message. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Installation(String uuid, String state, String message) implements TaskStatusView {
    }

    /**
     * Playbook runs: the spec's {@code returncode} (null while queued or running, and for a run interrupted by a
     * restart), plus the state (queued, running, success, failure), a message, and when the run was asked for and
     * ended ({@code finished} null until then), formatted as for standard tasks.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Playbook(Integer returncode, String state, String message, String created, String finished)
            implements
                TaskStatusView {
    }
}
