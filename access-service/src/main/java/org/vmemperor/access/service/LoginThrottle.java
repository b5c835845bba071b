package org.vmemperor.access.service;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.vmemperor.access.config.AccessConfig;
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
    private final EntityManager entityManager;
    private final Counter throttled;

    public LoginThrottle(AccessConfig config, EntityManager entityManager, MeterRegistry metrics) {
        this.config = config.throttle();
        this.entityManager = entityManager;
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
    @Transactional
    public void check(String username, String address) {
        long wait = Math.max(waitSeconds(userKey(username), config.freeFailuresPerUser()),
                waitSeconds(addressKey(address), config.freeFailuresPerAddress()));
        if (wait > 0) {
            throttled.increment();
            throw ApiException.tooManyRequests("too many failed logins; try again later", (int) wait);
        }
    }

    @Transactional
    public void recordFailure(String username, String address) {
        increment(userKey(username));
        increment(addressKey(address));
    }

    /** A success clears the user name's counter (the address keeps its own: one good login must not reset it). */
    @Transactional
    public void recordSuccess(String username) {
        entityManager.createNativeQuery("DELETE FROM login_throttle WHERE throttle_key = ?1")
                .setParameter(1, userKey(username)).executeUpdate();
    }

    private long waitSeconds(String key, int freeFailures) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("SELECT failures, last_failure FROM login_throttle WHERE throttle_key = ?1")
                .setParameter(1, key).getResultList();
        if (rows.isEmpty()) {
            return 0;
        }
        int failures = ((Number) rows.get(0)[0]).intValue();
        Instant last = toInstant(rows.get(0)[1]);
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

    private void increment(String key) {
        Timestamp forgetBefore = Timestamp.from(Instant.now().minus(config.forgetAfter()));
        entityManager.createNativeQuery("INSERT INTO login_throttle (throttle_key, failures, last_failure)"
                + " VALUES (?1, 1, now()) ON CONFLICT (throttle_key) DO UPDATE SET"
                + " failures = CASE WHEN login_throttle.last_failure < ?2 THEN 1 ELSE login_throttle.failures + 1 END,"
                + " last_failure = now()")
                .setParameter(1, key).setParameter(2, forgetBefore).executeUpdate();
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
