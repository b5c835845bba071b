package org.vmemperor.playbook.service;

import static org.vmemperor.common.db.Database.list;
import static org.vmemperor.common.db.Database.update;

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

import org.vmemperor.common.db.Database;
import org.vmemperor.playbook.config.PlaybookConfig;

import io.quarkus.logging.Log;

/**
 * The {@code playbook_run} table: every replica records which runs it holds and refreshes their heartbeat, so that
 * any replica can tell a run whose replica died (no heartbeat for {@code stale-after}, or a run of this very node that
 * this process does not hold: it died with the previous process) and mark it failed. Its SQL is all here; each
 * method is one transaction.
 */
@ApplicationScoped
public class RunRegistry {

    private final Database database;
    private final String node;

    public RunRegistry(Database database, PlaybookConfig config) {
        this.database = database;
        this.node = config.nodeName().filter(name -> !name.isBlank()).orElseGet(RunRegistry::hostName);
    }

    /** This replica's name in the table. */
    public String node() {
        return node;
    }

    public void register(String taskId, String playbook) {
        Instant now = Instant.now();
        database.run(connection -> update(connection,
                "INSERT INTO playbook_run (task_id, playbook, node, heartbeat) VALUES (?, ?, ?, ?)", taskId, playbook,
                node, now));
    }

    public void heartbeat(Collection<String> taskIds) {
        if (!taskIds.isEmpty()) {
            Instant now = Instant.now();
            List<String> ids = List.copyOf(taskIds);
            database.run(connection -> update(connection,
                    "UPDATE playbook_run SET heartbeat = ? WHERE task_id = ANY (?) AND node = ?", now, ids, node));
        }
    }

    /**
     * Unfinished runs nobody runs any more: this node's runs that {@code held} does not contain, and every run whose
     * heartbeat is older than {@code staleBefore}. {@code held} is asked after the query, so a run registered meanwhile
     * is never taken for dead (one that ended meanwhile is: callers end tasks only if still unfinished).
     */
    public List<String> interrupted(Supplier<Set<String>> heldNow, Instant staleBefore) {
        List<String> candidates = database.call(connection -> list(connection,
                "SELECT r.task_id FROM playbook_run r JOIN task t ON t.id = r.task_id WHERE t.finished IS NULL"
                        + " AND (r.heartbeat < ? OR r.node = ?)",
                rows -> rows.getString(1), staleBefore, node));
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
    public Set<String> unfinishedElsewhere() {
        return new HashSet<>(database.call(connection -> list(connection,
                "SELECT r.task_id FROM playbook_run r JOIN task t ON t.id = r.task_id WHERE t.finished IS NULL"
                        + " AND r.node <> ?",
                rows -> rows.getString(1), node)));
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
