package org.vmemperor.common.task;

import java.util.Locale;

/** Which of the spec's /taskstatus answers a task gives. Stored in {@code task.shape}. */
public enum TaskShape {
    /** XenAPI-backed operations (/startstopvm, /destroyvdi, ...): created, status, progress, finished, error_info. */
    STANDARD,
    /** /createvm: uuid, state, message. */
    INSTALLATION,
    /** /executeplaybook: returncode (plus state and message). */
    PLAYBOOK;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskShape fromDb(String value) {
        for (TaskShape shape : values()) {
            if (shape.dbValue().equalsIgnoreCase(value)) {
                return shape;
            }
        }
        return STANDARD;
    }
}
