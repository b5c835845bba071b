package org.vmemperor.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.testing.RevokedTokens;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The revocation answers of a token in steady use are renewed in the background, on the test's PostgreSQL: a request
 * in the last quarter of the TTL is answered at once and starts the next query, which sees a revocation written
 * elsewhere; an answer is never trusted past its TTL. The TTL's clock is the test's, so nothing waits for it.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class RevocationRefreshTest {

    @Inject
    DataSource dataSource;

    @Inject
    SecurityConfig config;

    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger queries = new AtomicInteger();

    @Test
    void aTokenInSteadyUseIsAskedAgainInTheBackgroundAndSeesItsRevocation() throws Exception {
        RevocationList revocations = new RevocationList(counting(dataSource), config, clock::get);
        long ttl = config.revocationCacheTtl().toNanos();
        VerifiedToken token = token();

        assertThat(revocations.knownAnswer(token)).isNull(); // never asked: PostgreSQL must be
        assertThat(revocations.isRevoked(token)).isFalse();
        assertThat(queries).hasValue(1);
        clock.set(ttl / 2);
        assertThat(revocations.knownAnswer(token)).isFalse();

        // the last quarter: answered at once, and asked again in the background
        clock.set(ttl * 7 / 8);
        assertThat(revocations.knownAnswer(token)).isFalse();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(queries).hasValue(2));
        // the renewed answer counts from its query (at 7/8 of the first TTL), so it holds past the first TTL
        clock.set(ttl * 3 / 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.FALSE.equals(revocations.knownAnswer(token)));

        revoke(token);
        clock.set(ttl * 7 / 8 + ttl * 7 / 8);
        // still the old answer (within its TTL), but the background query it starts finds the revocation
        assertThat(revocations.knownAnswer(token)).isNotNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(revocations.knownAnswer(token)));
        assertThat(revocations.isRevoked(token)).isTrue();
        // final: no more queries for it
        clock.set(ttl * 100);
        assertThat(revocations.knownAnswer(token)).isTrue();
        assertThat(queries).hasValue(3);
    }

    @Test
    void anAnswerIsNotTrustedPastItsTtl() throws Exception {
        RevocationList revocations = new RevocationList(counting(dataSource), config, clock::get);
        long ttl = config.revocationCacheTtl().toNanos();
        VerifiedToken token = token();
        assertThat(revocations.isRevoked(token)).isFalse();

        revoke(token);
        clock.set(ttl);
        assertThat(revocations.knownAnswer(token)).isNull();
        assertThat(revocations.isRevoked(token)).isTrue();
    }

    private static VerifiedToken token() {
        String id = UUID.randomUUID().toString();
        return new VerifiedToken(new UserPrincipal("users/" + id, id, id, List.of(), false), id,
                Instant.now().plusSeconds(3600), 0);
    }

    /** As another replica's /logout would: straight into the table. */
    private void revoke(VerifiedToken token) throws SQLException {
        RevokedTokens.insert(dataSource, token.tokenId(), token.expiresAt());
    }

    /** The real data source, counting the connections RevocationList takes (one per query). */
    private DataSource counting(DataSource real) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                queries.incrementAndGet();
                return real.getConnection();
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                queries.incrementAndGet();
                return real.getConnection(username, password);
            }

            @Override
            public PrintWriter getLogWriter() throws SQLException {
                return real.getLogWriter();
            }

            @Override
            public void setLogWriter(PrintWriter out) throws SQLException {
                real.setLogWriter(out);
            }

            @Override
            public void setLoginTimeout(int seconds) throws SQLException {
                real.setLoginTimeout(seconds);
            }

            @Override
            public int getLoginTimeout() throws SQLException {
                return real.getLoginTimeout();
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                return real.getParentLogger();
            }

            @Override
            public <T> T unwrap(Class<T> type) throws SQLException {
                return real.unwrap(type);
            }

            @Override
            public boolean isWrapperFor(Class<?> type) throws SQLException {
                return real.isWrapperFor(type);
            }
        };
    }
}
