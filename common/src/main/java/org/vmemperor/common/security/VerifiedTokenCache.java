package org.vmemperor.common.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims were verified, until their {@code exp}: parsing and RSA-verifying the same session
 * token on every request was most of an authenticated request's cost. Only the signature and claims are remembered;
 * revocation is still asked on every use ({@link RevocationList} keeps its own short-lived answers). Bounded: when
 * full, expired entries go, and if that is not enough, everything (a full cache means an unusual burst of distinct
 * tokens, which then pay the verification again).
 * <p>
 * Keyed by the token's last {@value #KEY_CHARS} characters (the end of its RS256 signature, which no two signed tokens
 * share in practice) rather than the whole ~700-character string, whose hash the JDK computes anew for every request's
 * copy of the token (~1% of an authenticated request in a JFR profile). A hit counts only when the whole token equals
 * the one verified ({@link String#equals} compares the bytes vectorised), so a token that shares that tail but differs
 * anywhere else (a forged payload or header, or another signature) is verified in full, and refused unless valid.
 */
final class VerifiedTokenCache {

    /** 32 base64url characters: 192 bits of signature. */
    static final int KEY_CHARS = 32;

    private record Entry(String token, VerifiedToken verified, long expiresAtMillis) {
    }

    private final int maxEntries;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    VerifiedTokenCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The verified token, or null when unknown (this exact string never verified) or past its {@code exp}. */
    VerifiedToken get(String token) {
        if (maxEntries == 0) {
            return null;
        }
        String key = key(token);
        Entry entry = entries.get(key);
        if (entry == null || !entry.token().equals(token)) {
            return null;
        }
        if (System.currentTimeMillis() >= entry.expiresAtMillis()) {
            entries.remove(key, entry);
            return null;
        }
        return entry.verified();
    }

    /** Remembers a token that passed every check but revocation (the caller verified it in full). */
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
        entries.put(key(token), new Entry(token, verified, expiresAt));
    }

    int size() {
        return entries.size();
    }

    private static String key(String token) {
        int length = token.length();
        return length <= KEY_CHARS ? token : token.substring(length - KEY_CHARS);
    }
}
