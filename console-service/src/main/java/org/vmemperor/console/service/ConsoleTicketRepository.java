package org.vmemperor.console.service;

import static org.vmemperor.common.db.Database.first;
import static org.vmemperor.common.db.Database.instant;
import static org.vmemperor.common.db.Database.update;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The SQL of the {@code console_ticket} table (V6); {@link ConsoleTickets} holds the transactions. Every method runs on
 * the caller's connection.
 */
@ApplicationScoped
class ConsoleTicketRepository {

    /**
     * One console secret: only its SHA-256, what it is bound to, and its lifetime.
     *
     * @param userId the principal id ({@code users/<id>}) of the user who asked, for the log line and queries
     * @param principal the whole principal (groups, admin flag) as JSON, so that the relay can check rights as that
     *        user
     * @param tokenId the session ({@code jti}) the secret was asked with: the console ends when that session does
     * @param sessionEpoch the session epoch of that token: ending all the user's sessions (deletion, group removal)
     *        ends the console
     */
    record TicketRow(String secretSha256, String vmUuid, String userId, String principal, String tokenId,
            Instant tokenExpires, long sessionEpoch, Instant created, Instant expires, Instant usedAt) {
    }

    private static final String COLUMNS = "secret_sha256, vm_uuid, user_id, principal, token_id, token_expires,"
            + " session_epoch, created, expires, used_at";

    void insert(Connection connection, TicketRow row) throws SQLException {
        update(connection, "INSERT INTO console_ticket (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row.secretSha256(), row.vmUuid(), row.userId(), row.principal(), row.tokenId(), row.tokenExpires(),
                row.sessionEpoch(), row.created(), row.expires(), row.usedAt());
    }

    /** The row, locked until the transaction ends: of two replicas consuming one secret, the second waits. */
    Optional<TicketRow> findForUpdate(Connection connection, String secretSha256) throws SQLException {
        return first(connection, "SELECT " + COLUMNS + " FROM console_ticket WHERE secret_sha256 = ? FOR UPDATE",
                ConsoleTicketRepository::row, secretSha256);
    }

    void markUsed(Connection connection, String secretSha256, Instant usedAt) throws SQLException {
        update(connection, "UPDATE console_ticket SET used_at = ? WHERE secret_sha256 = ?", usedAt, secretSha256);
    }

    long deleteExpiredBefore(Connection connection, Instant cutoff) throws SQLException {
        return update(connection, "DELETE FROM console_ticket WHERE expires < ?", cutoff);
    }

    private static TicketRow row(ResultSet row) throws SQLException {
        return new TicketRow(row.getString("secret_sha256"), row.getString("vm_uuid"), row.getString("user_id"),
                row.getString("principal"), row.getString("token_id"), instant(row, "token_expires"),
                row.getLong("session_epoch"), instant(row, "created"), instant(row, "expires"),
                instant(row, "used_at"));
    }
}
