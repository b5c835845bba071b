package org.vmemperor.playbook.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.vmemperor.playbook.config.PlaybookConfig;

import io.quarkus.logging.Log;

/**
 * The {@code playbook_run} table: every replica records which runs it holds and refreshes their heartbeat, so that
 * any replica can tell a run whose replica died (no heartbeat for {@code stale-after}, or a run of this very node that
 * this process does not hold: it died with the previous process) and mark it failed.
 */
@ApplicationScoped
public class RunRegistry {

    private final String node;

    public RunRegistry(PlaybookConfig config) {
        this.node = config.nodeName().filter(name -> !name.isBlank()).orElseGet(RunRegistry::hostName);
    }

    /** This replica's name in the table. */
    public String node() {
        return node;
    }

    @Transactional
    public void register(String taskId, String playbook) {
        PlaybookRunEntity run = new PlaybookRunEntity();
        run.taskId = taskId;
        run.playbook = playbook;
        run.node = node;
        run.heartbeat = Instant.now();
        run.persist();
    }

    @Transactional
    public void heartbeat(Collection<String> taskIds) {
        if (!taskIds.isEmpty()) {
            PlaybookRunEntity.update("heartbeat = ?1 where taskId in ?2 and node = ?3", Instant.now(),
                    List.copyOf(taskIds), node);
        }
    }

    /**
     * Unfinished runs nobody runs any more: this node's runs that {@code held} does not contain, and every run whose
     * heartbeat is older than {@code staleBefore}. {@code held} is asked after the query, so a run registered meanwhile
     * is never taken for dead (one that ended meanwhile is: callers end tasks only if still unfinished).
     */
    @Transactional
    public List<String> interrupted(Supplier<Set<String>> heldNow, Instant staleBefore) {
        List<String> candidates = PlaybookRunEntity.getEntityManager().createQuery(
                "select r.taskId from PlaybookRunEntity r, TaskEntity t where t.id = r.taskId and t.finished is null"
                        + " and (r.heartbeat < :stale or r.node = :node)",
                String.class).setParameter("stale", staleBefore).setParameter("node", node).getResultList();
        Set<String> held = heldNow.get();
        List<String> result = new ArrayList<>();
        for (String taskId : candidates) {
            if (!held.contains(taskId)) {
                result.add(taskId);
            }
        }
        return result;
    }

    /** Unfinished runs of other nodes: their working directories (should they share ours) are not leftovers. */
    @Transactional
    public Set<String> unfinishedElsewhere() {
        return new HashSet<>(PlaybookRunEntity.getEntityManager().createQuery(
                "select r.taskId from PlaybookRunEntity r, TaskEntity t where t.id = r.taskId and t.finished is null"
                        + " and r.node <> :node",
                String.class).setParameter("node", node).getResultList());
    }

    /** The host name without asking any resolver (no network access): $HOSTNAME, /etc/hostname, else localhost. */
    private static String hostName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (Exception e) {
                Log.debugf("no /etc/hostname: %s", e.toString());
            }
        }
        return name == null || name.isBlank() ? "localhost" : name.trim();
    }
}
