package org.vmemperor.access.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.access.config.AccessConfig;
import org.vmemperor.common.db.Database;
import org.vmemperor.common.error.ApiException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Slows down password guessing. Failures are counted per user name and per client address, in PostgreSQL so that
 * every replica sees them. Beyond the free failures, each attempt must wait a delay that doubles with every failure
 * up to a cap; an attempt made too early answers 429 with {@code Retry-After} without checking the password. There
 * is no permanent lock-out: the wait never exceeds the cap, and counters are forgotten after a quiet period, so the
 * real user can always get in by waiting.
 */
@ApplicationScoped
public class LoginThrottle {

    private final AccessConfig.Throttle config;
    private final Database database;
    private final Counter throttled;

    /** A row of {@code login_throttle}. */
    private record Failures(int count, Instant last) {
    }

    public LoginThrottle(AccessConfig config, Database database, MeterRegistry metrics) {
        this.config = config.throttle();
        this.database = database;
        this.throttled = Counter.builder("vmemperor.logins.throttled")
                .description("login attempts answered 429 without checking the password").register(metrics);
    }

    static String userKey(String username) {
        return "user:" + username.toLowerCase(Locale.ROOT);
    }

    static String addressKey(String address) {
        return "addr:" + address;
    }

    /** 429 when either counter asks the caller to wait. */
    public void check(String username, String address) {
        long wait = database.call(connection -> Math.max(
                waitSeconds(connection, userKey(username), config.freeFailuresPerUser()),
                waitSeconds(connection, addressKey(address), config.freeFailuresPerAddress())));
        if (wait > 0) {
            throttled.increment();
            throw ApiException.tooManyRequests("too many failed logins; try again later", (int) wait);
        }
    }

    public void recordFailure(String username, String address) {
        database.run(connection -> {
            increment(connection, userKey(username));
            increment(connection, addressKey(address));
        });
    }

    /** A success clears the user name's counter (the address keeps its own: one good login must not reset it). */
    public void recordSuccess(String username) {
        database.run(connection -> Database.update(connection, "DELETE FROM login_throttle WHERE throttle_key = ?",
                userKey(username)));
    }

    private long waitSeconds(Connection connection, String key, int freeFailures) throws SQLException {
        Optional<Failures> row = Database.first(connection,
                "SELECT failures, last_failure FROM login_throttle WHERE throttle_key = ?",
                rows -> new Failures(rows.getInt("failures"), Database.instant(rows, "last_failure")), key);
        if (row.isEmpty()) {
            return 0;
        }
        int failures = row.get().count();
        Instant last = row.get().last();
        Instant now = Instant.now();
        if (failures < freeFailures || last.plus(config.forgetAfter()).isBefore(now)) {
            return 0;
        }
        Duration delay = delay(failures - freeFailures);
        Duration remaining = Duration.between(now, last.plus(delay));
        return remaining.isNegative() || remaining.isZero() ? 0 : Math.max(1, (remaining.toMillis() + 999) / 1000);
    }

    /** The wait after the {@code excess}-th failure beyond the free ones: base, 2 base, 4 base, ... up to the cap. */
    Duration delay(int excess) {
        Duration delay = config.baseDelay();
        for (int i = 0; i < excess && delay.compareTo(config.maxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(config.maxDelay()) > 0 ? config.maxDelay() : delay;
    }

    private void increment(Connection connection, String key) throws SQLException {
        Instant forgetBefore = Instant.now().minus(config.forgetAfter());
        Database.update(connection, "INSERT INTO login_throttle (throttle_key, failures, last_failure)"
                + " VALUES (?, 1, now()) ON CONFLICT (throttle_key) DO UPDATE SET"
                + " failures = CASE WHEN login_throttle.last_failure < ? THEN 1 ELSE login_throttle.failures + 1 END,"
                + " last_failure = now()", key, forgetBefore);
    }
}
