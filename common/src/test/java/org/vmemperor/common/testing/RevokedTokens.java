package org.vmemperor.common.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

import javax.sql.DataSource;

/**
 * Ends a session as access-service's /logout on another replica does: a row straight into the shared
 * {@code revoked_token} table, so that the replica under test can only learn of it from PostgreSQL.
 */
public final class RevokedTokens {

    private RevokedTokens() {
    }

    public static void insert(DataSource dataSource, String tokenId, Instant expiresAt) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO revoked_token (jti, expires_at, revoked_at) VALUES (?, ?, now())")) {
            insert.setString(1, tokenId);
            insert.setTimestamp(2, Timestamp.from(expiresAt));
            insert.executeUpdate();
        }
    }
}
