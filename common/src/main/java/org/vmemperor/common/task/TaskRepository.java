package org.vmemperor.common.task;

import static org.vmemperor.common.db.Database.first;
import static org.vmemperor.common.db.Database.instant;
import static org.vmemperor.common.db.Database.integer;
import static org.vmemperor.common.db.Database.list;
import static org.vmemperor.common.db.Database.update;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The SQL of the {@code task} table (V1, V3); {@link TaskService} holds the transactions and the logic. Every method
 * runs on the caller's connection.
 */
@ApplicationScoped
class TaskRepository {

    private static final String COLUMNS = "id, kind, creator, state, progress, message, object_uuid, xenapi_ref,"
            + " created, finished, error_info, result, shape, returncode, updated, xenapi_destroyed";

    /**
     * One row of {@code task}.
     *
     * @param creator principal id of the caller who started it ({@code users/<id>})
     * @param state pending/success/failure/cancelled for standard tasks; free-form states for installations and
     *        playbooks
     * @param errorInfo JSON array of strings, XenAPI's [CODE, params...]
     */
    record TaskRow(String id, String kind, String creator, String state, double progress, String message,
            String objectUuid, String xenapiRef, Instant created, Instant finished, String errorInfo, String result,
            String shape, Integer returncode, Instant updated, boolean xenapiDestroyed) {

        /** The same row with the progress the live XenAPI task reports (not written back). */
        TaskRow withProgress(double newProgress) {
            return new TaskRow(id, kind, creator, state, newProgress, message, objectUuid, xenapiRef, created, finished,
                    errorInfo, result, shape, returncode, updated, xenapiDestroyed);
        }
    }

    /** What ending a task writes: {@code null} message, error or return code leave the column as it is. */
    record Ending(String state, String message, String errorInfo, Integer returncode, Instant finished) {
    }

    void insert(Connection connection, TaskRow row) throws SQLException {
        update(connection, "INSERT INTO task (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row.id(), row.kind(), row.creator(), row.state(), row.progress(), row.message(), row.objectUuid(),
                row.xenapiRef(), row.created(), row.finished(), row.errorInfo(), row.result(), row.shape(),
                row.returncode(), row.updated(), row.xenapiDestroyed());
    }

    Optional<TaskRow> find(Connection connection, String id) throws SQLException {
        return first(connection, "SELECT " + COLUMNS + " FROM task WHERE id = ?", TaskRepository::row, id);
    }

    /** The row, locked until the transaction ends: of two replicas ending a task, the second sees the first's end. */
    Optional<TaskRow> findForUpdate(Connection connection, String id) throws SQLException {
        return first(connection, "SELECT " + COLUMNS + " FROM task WHERE id = ? FOR UPDATE", TaskRepository::row, id);
    }

    /** Moves a task on; {@code null} arguments leave the column as it is. Answers whether the row exists. */
    boolean moveOn(Connection connection, String id, String state, Double progress, String message, Instant now)
            throws SQLException {
        return update(connection, "UPDATE task SET state = COALESCE(?, state), progress = COALESCE(?, progress),"
                + " message = COALESCE(?, message), updated = ? WHERE id = ?", state, progress, message, now, id) > 0;
    }

    boolean setObjectUuid(Connection connection, String id, String objectUuid, Instant now) throws SQLException {
        return update(connection, "UPDATE task SET object_uuid = ?, updated = ? WHERE id = ?", objectUuid, now, id) > 0;
    }

    /** Ends a task: its final state, progress 1, finished (and updated) then. */
    void end(Connection connection, String id, Ending ending) throws SQLException {
        update(connection, "UPDATE task SET state = ?, message = COALESCE(?, message), progress = 1, finished = ?,"
                + " updated = ?, error_info = COALESCE(?, error_info), returncode = COALESCE(?, returncode)"
                + " WHERE id = ?", ending.state(), ending.message(), ending.finished(), ending.finished(),
                ending.errorInfo(), ending.returncode(), id);
    }

    /** Records the end of the XenAPI task behind a row. */
    void recordXenOutcome(Connection connection, String id, String state, Instant finished, String errorInfo,
            String result, Instant now) throws SQLException {
        update(connection, "UPDATE task SET state = ?, progress = 1, finished = ?, updated = ?, error_info = ?,"
                + " result = ? WHERE id = ?", state, finished, now, errorInfo, result, id);
    }

    List<TaskRow> unfinished(Connection connection, String kind, String state) throws SQLException {
        return list(connection, "SELECT " + COLUMNS + " FROM task WHERE kind = ? AND state = ? AND finished IS NULL"
                + " ORDER BY created", TaskRepository::row, kind, state);
    }

    List<String> unfinishedIdle(Connection connection, String kind, Collection<String> states, Instant before)
            throws SQLException {
        return list(connection, "SELECT id FROM task WHERE kind = ? AND state = ANY (?) AND finished IS NULL"
                + " AND COALESCE(updated, created) < ?", rows -> rows.getString(1), kind, states, before);
    }

    List<TaskRow> unfinishedTracking(Connection connection, String xenTaskRef) throws SQLException {
        return list(connection, "SELECT " + COLUMNS + " FROM task WHERE xenapi_ref = ? AND finished IS NULL",
                TaskRepository::row, xenTaskRef);
    }

    boolean awaitsDestroy(Connection connection, String xenTaskRef) throws SQLException {
        return first(connection, "SELECT 1 FROM task WHERE xenapi_ref = ? AND finished IS NOT NULL"
                + " AND NOT xenapi_destroyed LIMIT 1", rows -> true, xenTaskRef).isPresent();
    }

    void markDestroyed(Connection connection, String xenTaskRef) throws SQLException {
        update(connection, "UPDATE task SET xenapi_destroyed = TRUE WHERE xenapi_ref = ?", xenTaskRef);
    }

    List<String> unfinishedXenRefs(Connection connection) throws SQLException {
        return list(connection, "SELECT DISTINCT xenapi_ref FROM task WHERE xenapi_ref IS NOT NULL"
                + " AND finished IS NULL", rows -> rows.getString(1));
    }

    Optional<Instant> firstTracked(Connection connection, String xenTaskRef) throws SQLException {
        return first(connection, "SELECT created FROM task WHERE xenapi_ref = ? ORDER BY created LIMIT 1",
                rows -> instant(rows, "created"), xenTaskRef);
    }

    List<String> finishedUndestroyedXenRefs(Connection connection) throws SQLException {
        return list(connection, "SELECT DISTINCT xenapi_ref FROM task WHERE xenapi_ref IS NOT NULL"
                + " AND finished IS NOT NULL AND NOT xenapi_destroyed", rows -> rows.getString(1));
    }

    /**
     * Ends as failed, with {@code errorInfo}, every unfinished row tracking a XenAPI task the pool forgot, and marks
     * it destroyed; answers the kinds of the rows it ended (for the metrics).
     */
    List<String> markLost(Connection connection, String xenTaskRef, String state, String errorInfo, Instant now)
            throws SQLException {
        return list(connection, "UPDATE task SET state = ?, progress = 1, finished = ?, updated = ?, error_info = ?,"
                + " xenapi_destroyed = TRUE WHERE xenapi_ref = ? AND finished IS NULL RETURNING kind",
                rows -> rows.getString(1), state, now, now, errorInfo, xenTaskRef);
    }

    long purgeFinishedBefore(Connection connection, Instant cutoff) throws SQLException {
        return update(connection, "DELETE FROM task WHERE finished IS NOT NULL AND finished < ?", cutoff);
    }

    private static TaskRow row(ResultSet row) throws SQLException {
        return new TaskRow(row.getString("id"), row.getString("kind"), row.getString("creator"),
                row.getString("state"), row.getDouble("progress"), row.getString("message"),
                row.getString("object_uuid"), row.getString("xenapi_ref"), instant(row, "created"),
                instant(row, "finished"), row.getString("error_info"), row.getString("result"),
                row.getString("shape"), integer(row, "returncode"), instant(row, "updated"),
                row.getBoolean("xenapi_destroyed"));
    }
}
