package org.vmemperor.common.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.vmemperor.common.db.Database;
import org.vmemperor.common.error.ApiException;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Server-side end of sessions, in PostgreSQL so that every replica of every service sees it within seconds:
 * <ul>
 * <li>one session: {@link #revoke} (logout) puts the token id ({@code jti}) into {@code revoked_token} until the token
 * would have expired anyway;</li>
 * <li>every session of a user: {@link #endSessionsOf} raises the user's epoch in {@code session_epoch}; a token signed
 * with a lower epoch ({@link TokenClaims#SESSION_EPOCH}) is refused. access-service calls it when it deletes a user,
 * removes a user from a group or deletes a group, since the token's group claims would otherwise keep the group's
 * rights until it expires.</li>
 * </ul>
 * Both are answered by one query per token; a "still valid" answer is trusted for
 * {@link SecurityConfig#revocationCacheTtl()} from the moment its query started, a "revoked" answer is final and cached
 * until the token would have expired. A token used in the last quarter of its answer's TTL is asked again in the
 * background (a worker thread), so that a token in steady use always has a fresh answer: its requests neither wait for
 * PostgreSQL nor leave the event loop every TTL, and the bound on how long a revocation goes unseen stays the TTL.
 * Code outside this package asks {@link TokenVerifier#isStillValid(VerifiedToken)}.
 */
@ApplicationScoped
public class RevocationList {

    private static final int MAX_CACHED = 10_000;

    /** When a token was last found valid, and whose it is (so that ending a user's sessions can forget it here). */
    private record Checked(String userId, long atNanos) {
    }

    private final DataSource dataSource;
    private final long ttlNanos;
    private final long refreshAfterNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Checked> validSince = new ConcurrentHashMap<>();
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
    /** Token ids whose background query is under way (one at a time per token). */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

    @Inject
    public RevocationList(DataSource dataSource, SecurityConfig config) {
        this(dataSource, config, System::nanoTime);
    }

    /** With the clock of the TTL given (tests move it instead of waiting). */
    RevocationList(DataSource dataSource, SecurityConfig config, LongSupplier nanoClock) {
        this.dataSource = dataSource;
        this.nanoClock = nanoClock;
        this.ttlNanos = config.revocationCacheTtl().toNanos();
        this.refreshAfterNanos = ttlNanos - ttlNanos / 4;
    }

    /**
     * Whether the token was logged out, or all sessions of its user were ended after it was signed (by this or any
     * other replica). 503 when the session store is unreachable (fail closed).
     */
    boolean isRevoked(VerifiedToken token) {
        Boolean known = knownAnswer(token);
        return known != null ? known : ask(token);
    }

    /**
     * What {@link #isRevoked} would answer without asking PostgreSQL: {@code TRUE} when the token id is known revoked,
     * {@code FALSE} when it was found valid within the TTL, {@code null} when PostgreSQL must be asked. Lets a caller
     * on an event-loop thread stay there unless a query is due. A {@code FALSE} in the last quarter of the TTL starts
     * the next query in the background.
     */
    Boolean knownAnswer(VerifiedToken token) {
        String tokenId = token.tokenId();
        if (revoked.containsKey(tokenId)) {
            return Boolean.TRUE;
        }
        Checked checked = validSince.get(tokenId);
        if (checked == null) {
            return null;
        }
        long age = nanoClock.getAsLong() - checked.atNanos();
        if (age >= ttlNanos) {
            return null;
        }
        if (age >= refreshAfterNanos) {
            refreshInBackground(token);
        }
        return Boolean.FALSE;
    }

    private void refreshInBackground(VerifiedToken token) {
        String tokenId = token.tokenId();
        if (!refreshing.add(tokenId)) {
            return;
        }
        try {
            // Quarkus' worker pool, looked up when needed (Quarkus installs it at start)
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    ask(token);
                } catch (ApiException e) {
                    // the answer then expires and the next request asks (and fails closed) itself
                    Log.debugf("Background revocation check failed: %s", e.getMessage());
                } finally {
                    refreshing.remove(tokenId);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(tokenId);
        }
    }

    /** Asks PostgreSQL and remembers the answer; a valid answer counts from before the query. */
    private boolean ask(VerifiedToken token) {
        String tokenId = token.tokenId();
        long now = nanoClock.getAsLong();
        if (lookUp(token)) {
            evictIfFull(revoked);
            revoked.put(tokenId, token.expiresAt());
            validSince.remove(tokenId);
            return true;
        }
        evictIfFull(validSince);
        validSince.put(tokenId, new Checked(token.principal().id(), now));
        return false;
    }

    /**
     * Revokes a token until its expiry; rows of tokens that expired anyway are purged on the way (they would be
     * rejected for their expiry).
     */
    public void revoke(String tokenId, Instant expiresAt) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO revoked_token (jti, expires_at, revoked_at) VALUES (?, ?, now())"
                            + " ON CONFLICT (jti) DO NOTHING")) {
                insert.setString(1, tokenId);
                insert.setTimestamp(2, Timestamp.from(expiresAt));
                insert.executeUpdate();
            }
            try (PreparedStatement purge = connection
                    .prepareStatement("DELETE FROM revoked_token WHERE expires_at < now() - interval '1 day'")) {
                purge.executeUpdate();
            }
        } catch (SQLException e) {
            throw ApiException.unavailable("the session store is unavailable", 5);
        }
        revoked.put(tokenId, expiresAt);
        validSince.remove(tokenId);
    }

    /**
     * Ends every session of a user ({@code users/<id>}) signed so far, on every replica within the cache TTL. Runs on
     * the caller's connection, in its transaction, so that it commits (or not) with the change that requires it.
     */
    public void endSessionsOf(Connection connection, String userId) {
        try {
            Database.update(connection, "INSERT INTO session_epoch (user_id, epoch, changed_at) VALUES (?, 1, now())"
                    + " ON CONFLICT (user_id) DO UPDATE SET epoch = session_epoch.epoch + 1, changed_at = now()",
                    userId);
        } catch (SQLException e) {
            throw ApiException.unavailable("the session store is unavailable", 5);
        }
        // this replica asks again at once; the others within their TTL
        validSince.values().removeIf(checked -> checked.userId().equals(userId));
    }

    /**
     * The epoch a token signed now for this user carries. A login reads it <em>before</em> it reads the user's groups:
     * a group removal committed in between then leaves the token with an old epoch (refused), never with a current
     * epoch and the old groups.
     */
    public long sessionEpoch(String userId) {
        try (Connection connection = dataSource.getConnection()) {
            return sessionEpoch(connection, userId);
        } catch (SQLException e) {
            throw ApiException.unavailable("the session store is unavailable", 5);
        }
    }

    /** {@link #sessionEpoch(String)} on the caller's connection, in its transaction. */
    public long sessionEpoch(Connection connection, String userId) {
        try {
            return Database.first(connection, "SELECT epoch FROM session_epoch WHERE user_id = ?", row -> row.getLong(1),
                    userId).orElse(0L);
        } catch (SQLException e) {
            throw ApiException.unavailable("the session store is unavailable", 5);
        }
    }

    private boolean lookUp(VerifiedToken token) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT EXISTS (SELECT 1 FROM revoked_token WHERE jti = ?),"
                                + " (SELECT epoch FROM session_epoch WHERE user_id = ?)")) {
            query.setString(1, token.tokenId());
            query.setString(2, token.principal().id());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                // no session_epoch row reads as 0, the epoch of a user whose sessions were never ended
                return row.getBoolean(1) || row.getLong(2) > token.sessionEpoch();
            }
        } catch (SQLException e) {
            // failing closed: a token whose revocation cannot be checked is not accepted
            throw ApiException.unavailable("the session store is unavailable", 5);
        }
    }

    private static void evictIfFull(Map<String, ?> cache) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
    }
}
