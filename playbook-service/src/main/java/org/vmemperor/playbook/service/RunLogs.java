package org.vmemperor.playbook.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.playbook.config.PlaybookConfig;

/**
 * Each run's output: {@code <logs-dir>/<task id>/stdout} and {@code stderr}, kept after the run (mode 0700: they can
 * hold whatever the playbook printed). Read through GET /playbooklog by the run's creator and administrators.
 */
@ApplicationScoped
public class RunLogs {

    public static final Set<String> STREAMS = Set.of("stdout", "stderr");

    private final Path root;
    private final TaskService tasks;

    public RunLogs(PlaybookConfig config, TaskService tasks) {
        this.root = config.logsDir().toAbsolutePath().normalize();
        this.tasks = tasks;
    }

    /** Creates the run's log folder and answers it. */
    public Path create(String taskId) throws IOException {
        Files.createDirectories(root);
        Path dir = root.resolve(taskId);
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return dir;
    }

    /**
     * The log file when {@code user} may read it: a playbook task of theirs (or any, for administrators) whose log is
     * on this replica. Empty for everything else, so a task id cannot be probed.
     */
    public Optional<Path> readable(UserPrincipal user, String taskId, String stream) {
        if (taskId == null || !STREAMS.contains(stream) || !taskId.matches("[A-Za-z0-9-]{1,64}")) {
            return Optional.empty();
        }
        return tasks.find(taskId).filter(task -> task.kind() == TaskKind.PLAYBOOK)
                .filter(task -> user.admin() || user.id().equals(task.creator()))
                .map(task -> root.resolve(taskId).resolve(stream)).filter(Files::isRegularFile);
    }
}
