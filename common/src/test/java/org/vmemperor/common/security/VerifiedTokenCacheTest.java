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
    void sizeZeroRemembersNothing() {
        VerifiedTokenCache cache = new VerifiedTokenCache(0);
        cache.put("token-a", token("a", Instant.now().plusSeconds(60)));
        assertThat(cache.get("token-a")).isNull();
    }
}
