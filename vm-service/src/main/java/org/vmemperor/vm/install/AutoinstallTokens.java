package org.vmemperor.vm.install;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;
import org.vmemperor.common.error.ApiException;

/**
 * One-time tokens for {@code GET /autoinstall/<token>}, kept in PostgreSQL so that any replica can serve the fetch and
 * the /createvm watcher of any replica can see it. A token is 32 random bytes (URL-safe base64); only its SHA-256 is
 * stored. It is good for one successful fetch before it expires; the answer file is cleared from the table by that
 * fetch.
 */
@ApplicationScoped
public class AutoinstallTokens {

    private static final Logger LOG = Logger.getLogger(AutoinstallTokens.class);
    private static final int TOKEN_BYTES = 32;
    /** 32 bytes in unpadded base64url are 43 characters; anything else is answered 404 without a query. */
    private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_-]{43}$");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Consumed and expired rows are kept this long (for support questions), then purged. */
    private static final Duration KEEP = Duration.ofDays(1);

    private final DataSource dataSource;
    private final Duration ttl;
    private final Event<AutoinstallFetched> fetched;
    private final Clock clock;

    public AutoinstallTokens(DataSource dataSource, InstallConfig config, Event<AutoinstallFetched> fetched) {
        this.dataSource = dataSource;
        this.ttl = config.tokenTtl();
        this.fetched = fetched;
        this.clock = Clock.systemUTC();
    }

    /** Issues a token for the answer file of a VM's install, valid for {@code vmemperor.install.token-ttl}. */
    public IssuedToken issue(String vmUuid, String taskId, String answerFile) {
        return issue(vmUuid, taskId, answerFile, clock.instant().plus(ttl));
    }

    /** Issues a token valid until {@code expires}. */
    public IssuedToken issue(String vmUuid, String taskId, String answerFile, Instant expires) {
        byte[] random = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO autoinstall_token"
                    + " (token_sha256, vm_uuid, task_id, answer_file, created, expires) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, sha256(token));
                insert.setString(2, vmUuid);
                insert.setString(3, taskId);
                insert.setString(4, answerFile);
                insert.setTimestamp(5, Timestamp.from(now));
                insert.setTimestamp(6, Timestamp.from(expires));
                insert.executeUpdate();
            }
            purge(connection, now);
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return new IssuedToken(token, expires);
    }

    /**
     * The answer file of a valid, unused token, marking the token used (atomically: of two concurrent fetches one
     * gets the file, the other nothing). Empty for an unknown, used or expired token.
     */
    public Optional<String> consume(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String sql = "UPDATE autoinstall_token t SET used_at = ?, answer_file = NULL"
                + " FROM (SELECT token_sha256, answer_file FROM autoinstall_token"
                + "       WHERE token_sha256 = ? AND used_at IS NULL AND expires > ? FOR UPDATE) old"
                + " WHERE t.token_sha256 = old.token_sha256 RETURNING old.answer_file, t.task_id, t.vm_uuid";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(sql)) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setString(2, sha256(token));
            update.setTimestamp(3, Timestamp.from(now));
            try (ResultSet row = update.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String file = row.getString(1);
                String taskId = row.getString(2);
                String vmUuid = row.getString(3);
                LOG.infof("the installer of VM %s fetched its answer file (task %s)", vmUuid, taskId);
                fetched.fire(new AutoinstallFetched(taskId, vmUuid, now));
                return Optional.ofNullable(file);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** When the installer of the task's VM fetched its answer file, or empty while it has not (yet). */
    public Optional<Instant> fetchedAt(String taskId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT max(used_at) FROM autoinstall_token WHERE task_id = ? AND used_at IS NOT NULL")) {
            query.setString(1, taskId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next() || row.getTimestamp(1) == null) {
                    return Optional.empty();
                }
                return Optional.of(row.getTimestamp(1).toInstant());
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * Withdraws the unused tokens of a task (the install failed or was given up), so that its answer file can no longer
     * be fetched. Returns how many were withdrawn.
     */
    public int revoke(String taskId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection
                        .prepareStatement("DELETE FROM autoinstall_token WHERE task_id = ? AND used_at IS NULL")) {
            delete.setString(1, taskId);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static void purge(Connection connection, Instant now) throws SQLException {
        try (PreparedStatement purge = connection.prepareStatement(
                "DELETE FROM autoinstall_token WHERE expires < ? OR used_at < ?")) {
            Timestamp before = Timestamp.from(now.minus(KEEP));
            purge.setTimestamp(1, before);
            purge.setTimestamp(2, before);
            purge.executeUpdate();
        }
        // expired answer files hold password hashes: clear them at once, keep the row for the record
        try (PreparedStatement clear = connection.prepareStatement(
                "UPDATE autoinstall_token SET answer_file = NULL WHERE expires < ? AND answer_file IS NOT NULL")) {
            clear.setTimestamp(1, Timestamp.from(now));
            clear.executeUpdate();
        }
    }

    static String sha256(String token) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static ApiException unavailable(SQLException e) {
        LOG.warnf("autoinstall token store unavailable: %s", e.getMessage());
        return ApiException.unavailable("the database is unavailable", 5);
    }
}
