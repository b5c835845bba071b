package org.vmemperor.playbook.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskState;
import org.vmemperor.playbook.config.PlaybookConfig;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * POST /executeplaybook and the runs it starts. A run is a task (kind {@code playbook}) in state {@code queued} until
 * one of {@code max-concurrent-runs} slots is free, then {@code running} while {@code ansible-playbook} runs as a child
 * process, then {@code success} or {@code failure} with its return code. Runs live in this replica (memory and child
 * processes); {@link RunRegistry} lets every replica find runs whose replica died and mark them failed.
 */
@ApplicationScoped
public class PlaybookRuns {

    /** The answer of /executeplaybook: the task, and the VMs left out (absent when none). */
    public record Started(String task, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<String>> warnings) {
    }

    private final RunValidator validator;
    private final TaskService tasks;
    private final RunRegistry registry;
    private final Workspaces workspaces;
    private final RunLogs logs;
    private final PlaybookConfig config;
    private final ThreadPoolExecutor executor;
    /** Runs this replica holds (queued or running), by task id, with their child process once started. */
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public PlaybookRuns(RunValidator validator, TaskService tasks, RunRegistry registry, Workspaces workspaces,
            RunLogs logs, PlaybookConfig config) {
        this.validator = validator;
        this.tasks = tasks;
        this.registry = registry;
        this.workspaces = workspaces;
        this.logs = logs;
        this.config = config;
        int slots = Math.max(1, config.maxConcurrentRuns());
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(slots, slots, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(Math.max(1, config.maxQueuedRuns())), runnable -> {
                    Thread thread = new Thread(runnable, "playbook-run-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Validates, records the task (queued) and its run row, queues the run and answers the task id. */
    public Started start(UserPrincipal user, Args args) {
        RunPlan plan = validator.validate(user, args);
        if (executor.getQueue().remainingCapacity() == 0) {
            throw ApiException.unavailable("too many playbook runs are waiting; try again later", 30);
        }
        String objectUuid = plan.targets().size() == 1 ? plan.targets().get(0).uuid() : null;
        String task = tasks.createTask(TaskKind.PLAYBOOK, user.id(), objectUuid);
        // held before the row exists: the interrupted-run scan never takes a run being started for a dead one
        held.add(task);
        try {
            registry.register(task, plan.playbook().id());
            tasks.update(task, TaskState.QUEUED, 0.0, "waiting for a free slot" + warningText(plan));
            executor.execute(() -> run(task, plan));
        } catch (RejectedExecutionException e) {
            held.remove(task);
            tasks.failIfUnfinished(task, List.of("QUEUE_FULL"), "too many playbook runs are waiting");
            throw ApiException.unavailable("too many playbook runs are waiting; try again later", 30);
        } catch (RuntimeException e) {
            held.remove(task);
            tasks.failIfUnfinished(task, List.of("NOT_STARTED"), "the run could not be queued");
            throw e;
        }
        Log.infof("Playbook run %s: %s by %s on %d VM(s)", task, plan.playbook().id(), user.id(),
                plan.targets().size());
        return new Started(task, plan.warnings());
    }

    private void run(String task, RunPlan plan) {
        Path workspace = null;
        try {
            tasks.update(task, TaskState.RUNNING, null, "ansible-playbook is running" + warningText(plan));
            Path logDir = logs.create(task);
            workspace = workspaces.create(task, plan.playbook().dir());
            ProcessBuilder builder = AnsibleCommand.prepare(plan, workspace, config)
                    .redirectOutput(logDir.resolve("stdout").toFile()).redirectError(logDir.resolve("stderr").toFile());
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                appendToStderr(logDir, "cannot start " + config.ansiblePlaybook() + ": " + e.getMessage());
                tasks.failIfUnfinished(task, List.of("ANSIBLE_NOT_STARTED", String.valueOf(e.getMessage())),
                        "cannot start " + config.ansiblePlaybook());
                return;
            }
            processes.put(task, process);
            if (!process.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                appendToStderr(logDir, "vmemperor: the run took longer than " + config.timeout() + " and was killed");
                tasks.failIfUnfinished(task, List.of("PLAYBOOK_TIMEOUT"),
                        "ansible-playbook took longer than " + config.timeout() + " and was killed" + warningText(plan));
                return;
            }
            int returncode = process.exitValue();
            if (tasks.finishPlaybook(task, returncode, (returncode == 0 ? "ansible-playbook finished"
                    : "ansible-playbook exited with " + returncode + ": see its log") + warningText(plan))) {
                Log.infof("Playbook run %s ended with %d", task, returncode);
            } else {
                // another replica took this replica for dead (no heartbeat for stale-after) and ended the task: its
                // answer stands; the log tells what really happened
                appendToStderr(logDir, "vmemperor: ansible-playbook exited with " + returncode
                        + " after the run had been marked interrupted (this replica's heartbeat had stopped)");
                Log.warnf("Playbook run %s ended with %d after another replica had marked it interrupted:"
                        + " the task keeps that end", task, returncode);
            }
        } catch (InterruptedException e) {
            Process process = processes.get(task);
            if (process != null) {
                kill(process);
            }
            endQuietly(task, "the service stopped during the run");
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            Log.warnf("Playbook run %s failed: %s", task, e.toString());
            endQuietly(task, "the run failed: " + e.getMessage());
        } finally {
            processes.remove(task);
            workspaces.remove(workspace);
            held.remove(task);
        }
    }

    /** Kills ansible-playbook and everything it started (ssh and its forks): politely first, then for good. */
    private static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private void endQuietly(String task, String message) {
        try {
            tasks.failIfUnfinished(task, List.of("PLAYBOOK_INTERRUPTED"), message);
        } catch (RuntimeException e) {
            Log.warnf("Cannot record the end of playbook run %s (the next scan will): %s", task, e.toString());
        }
    }

    private static void appendToStderr(Path logDir, String line) {
        try {
            Files.writeString(logDir.resolve("stderr"), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            Log.warnf("Cannot write %s: %s", logDir.resolve("stderr"), e.toString());
        }
    }

    private static String warningText(RunPlan plan) {
        if (plan.warnings().isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (left out:");
        plan.warnings().forEach((kind, vms) -> text.append(' ').append(kind).append(' ').append(String.join(",", vms)));
        return text.append(')').toString();
    }

    // --- replicas: heartbeat, interrupted runs, leftovers ---

    void onStart(@Observes StartupEvent event) {
        try {
            workspaces.ensureRoot();
        } catch (RuntimeException e) {
            // runs will fail with the same message; the rest of the service works
            Log.error(e.getMessage());
        }
        try {
            workspaces.removeLeftovers(registry.unfinishedElsewhere());
            markInterrupted();
        } catch (RuntimeException e) {
            Log.warnf("Cannot look for interrupted playbook runs now (the heartbeat retries): %s", e.toString());
        }
    }

    /** Refreshes the heartbeat of this replica's runs and ends the runs no replica runs any more. */
    @Scheduled(every = "${vmemperor.playbooks.heartbeat-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        registry.heartbeat(Set.copyOf(held));
        markInterrupted();
    }

    private void markInterrupted() {
        Instant staleBefore = Instant.now().minus(config.staleAfter());
        for (String task : registry.interrupted(() -> Set.copyOf(held), staleBefore)) {
            if (tasks.failIfUnfinished(task, List.of("PLAYBOOK_INTERRUPTED"),
                    "the run was interrupted: the replica running it stopped")) {
                Log.warnf("Playbook run %s was interrupted (its replica stopped): marked failed", task);
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        List<Runnable> queued = executor.shutdownNow();
        try {
            executor.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queued.isEmpty()) {
            for (String task : Set.copyOf(held)) {
                if (!processes.containsKey(task)) {
                    endQuietly(task, "the service stopped before the run started");
                }
            }
        }
    }

    /** Runs this replica holds right now (queued or running); for tests. */
    public Set<String> held() {
        return Set.copyOf(held);
    }
}
