package org.vmemperor.common.task;

import java.util.Locale;

/** What a task does, stored in {@code task.kind}; its kind decides which /taskstatus answer it gives. */
public enum TaskKind {
    /** /startstopvm with enable: VM.start (or already running). */
    STARTVM(TaskShape.STANDARD),
    /** /startstopvm without enable: VM.clean_shutdown (or already halted). */
    STOPVM(TaskShape.STANDARD),
    /** /rebootvm. */
    REBOOTVM(TaskShape.STANDARD),
    /** /destroyvm, with or without its disks. */
    DESTROYVM(TaskShape.STANDARD),
    /** /destroyvdi. */
    DESTROYVDI(TaskShape.STANDARD),
    /** /createvm: the build, then the install. */
    CREATEVM(TaskShape.INSTALLATION),
    /** /executeplaybook. */
    PLAYBOOK(TaskShape.PLAYBOOK);

    private final TaskShape shape;

    TaskKind(TaskShape shape) {
        this.shape = shape;
    }

    /** The /taskstatus answer tasks of this kind give. */
    public TaskShape shape() {
        return shape;
    }

    /** The value in {@code task.kind} (and the tag on /q/metrics). */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskKind fromDb(String value) {
        for (TaskKind kind : values()) {
            if (kind.dbValue().equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown task kind " + value);
    }
}
