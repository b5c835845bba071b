package org.vmemperor.common.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims were verified, by token string, until their {@code exp}: parsing and RSA-verifying
 * the same session token on every request was most of an authenticated request's cost. Only the signature and claims
 * are remembered; revocation is still asked on every use ({@link RevocationList} keeps its own short-lived answers).
 * Bounded: when full, expired entries go, and if that is not enough, everything (a full cache means an unusual burst of
 * distinct tokens, which then pay the verification again).
 */
final class VerifiedTokenCache {

    private record Entry(VerifiedToken token, long expiresAtMillis) {
    }

    private final int maxEntries;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    VerifiedTokenCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The verified token, or null when unknown or past its {@code exp}. */
    VerifiedToken get(String token) {
        if (maxEntries == 0) {
            return null;
        }
        Entry entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (System.currentTimeMillis() >= entry.expiresAtMillis()) {
            entries.remove(token, entry);
            return null;
        }
        return entry.token();
    }

    void put(String token, VerifiedToken verified) {
        long expiresAt = verified.expiresAt().toEpochMilli();
        long now = System.currentTimeMillis();
        if (maxEntries == 0 || expiresAt <= now) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(entry -> entry.expiresAtMillis() <= now);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(token, new Entry(verified, expiresAt));
    }

    int size() {
        return entries.size();
    }
}
