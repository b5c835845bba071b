package org.vmemperor.common.task;

import java.time.Instant;
import java.util.List;

/** A task row as services read it ({@link TaskService#find}); {@code updated} is when it last moved. */
public record TaskInfo(String id, TaskKind kind, TaskShape shape, String creator, TaskState state, double progress,
        String message, String objectUuid, String xenapiRef, Instant created, Instant finished, List<String> errorInfo,
        String result, Integer returncode, Instant updated) {

    public boolean isFinished() {
        return finished != null;
    }
}
