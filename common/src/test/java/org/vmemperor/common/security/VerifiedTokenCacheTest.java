package org.vmemperor.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The verified-token cache never answers past a token's expiry and stays within its bound. */
class VerifiedTokenCacheTest {

    private static VerifiedToken token(String id, Instant expiresAt) {
        return new VerifiedToken(new UserPrincipal("users/" + id, id, id, List.of(), false), id, expiresAt, 0);
    }

    @Test
    void answersUntilTheTokenExpires() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        VerifiedToken valid = token("a", Instant.now().plusSeconds(60));
        VerifiedToken expired = token("b", Instant.now().minusSeconds(1));

        cache.put("token-a", valid);
        cache.put("token-b", expired);

        assertThat(cache.get(new String("token-a"))).isSameAs(valid);
        assertThat(cache.get("token-b")).isNull();
        assertThat(cache.get("token-c")).isNull();
    }

    @Test
    void staysWithinItsBound() {
        VerifiedTokenCache cache = new VerifiedTokenCache(3);
        for (int i = 0; i < 10; i++) {
            cache.put("token-" + i, token("u" + i, Instant.now().plusSeconds(60)));
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(cache.get("token-9")).isNotNull();
    }

    @Test
    void answersOnlyTheWholeTokenThatWasVerified() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        String signature = "S".repeat(10) + "t".repeat(VerifiedTokenCache.KEY_CHARS);
        String real = "header.payload." + signature;
        VerifiedToken valid = token("a", Instant.now().plusSeconds(60));
        cache.put(real, valid);

        // the same signature's tail (the cache's key) under another payload, header or signature start
        assertThat(cache.get("header.pAyload." + signature)).isNull();
        assertThat(cache.get("headeR.payload." + signature)).isNull();
        assertThat(cache.get("header.payload." + "s" + signature.substring(1))).isNull();
        assertThat(cache.get("payload." + signature)).isNull();
        assertThat(cache.get(signature.substring(10))).isNull();
        // another signature's tail
        assertThat(cache.get(real.substring(0, real.length() - 1) + "u")).isNull();
        // and the real one is still there
        assertThat(cache.get(new String(real))).isSameAs(valid);
    }

    @Test
    void shortTokensAreTheirOwnKey() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        VerifiedToken valid = token("a", Instant.now().plusSeconds(60));
        cache.put("short", valid);
        assertThat(cache.get("short")).isSameAs(valid);
        assertThat(cache.get("shorT")).isNull();
        assertThat(cache.get("")).isNull();
    }

    @Test
    void sizeZeroRemembersNothing() {
        VerifiedTokenCache cache = new VerifiedTokenCache(0);
        cache.put("token-a", token("a", Instant.now().plusSeconds(60)));
        assertThat(cache.get("token-a")).isNull();
    }
}
