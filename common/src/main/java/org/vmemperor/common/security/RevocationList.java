package org.vmemperor.common.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.error.ApiException;

/**
 * Server-side logout: the ids ({@code jti}) of revoked tokens live in PostgreSQL, shared by every replica of every
 * service. A "not revoked" answer is cached for {@link SecurityConfig#revocationCacheTtl()} only, so a logout reaches
 * every replica within seconds; a "revoked" answer is final and cached until the token would have expired anyway.
 */
@ApplicationScoped
public class RevocationList {

    private static final int MAX_CACHED = 10_000;

    private final DataSource dataSource;
    private final long ttlNanos;
    private final Map<String, Long> notRevokedSince = new ConcurrentHashMap<>();
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

    public RevocationList(DataSource dataSource, SecurityConfig config) {
        this.dataSource = dataSource;
        this.ttlNanos = config.revocationCacheTtl().toNanos();
    }

    /** Whether the token id was revoked (by this or any other replica). */
    public boolean isRevoked(String tokenId) {
        if (revoked.containsKey(tokenId)) {
            return true;
        }
        long now = System.nanoTime();
        Long checked = notRevokedSince.get(tokenId);
        if (checked != null && now - checked < ttlNanos) {
            return false;
        }
        Instant expiry = lookUp(tokenId);
        if (expiry != null) {
            evictIfFull(revoked);
            revoked.put(tokenId, expiry);
            notRevokedSince.remove(tokenId);
            return true;
        }
        evictIfFull(notRevokedSince);
        notRevokedSince.put(tokenId, now);
        return false;
    }

    /**
     * What {@link #isRevoked} would answer without asking PostgreSQL: {@code TRUE} when the token id is known revoked,
     * {@code FALSE} when it was found valid within the TTL, {@code null} when PostgreSQL must be asked. Lets a caller
     * on an event-loop thread stay there unless a query is due.
     */
    Boolean knownAnswer(String tokenId) {
        if (revoked.containsKey(tokenId)) {
            return Boolean.TRUE;
        }
        Long checked = notRevokedSince.get(tokenId);
        return checked != null && System.nanoTime() - checked < ttlNanos ? Boolean.FALSE : null;
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
        notRevokedSince.remove(tokenId);
    }

    private Instant lookUp(String tokenId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection
                        .prepareStatement("SELECT expires_at FROM revoked_token WHERE jti = ?")) {
            query.setString(1, tokenId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getTimestamp(1).toInstant() : null;
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
