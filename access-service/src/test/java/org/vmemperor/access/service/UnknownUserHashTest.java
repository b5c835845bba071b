package org.vmemperor.access.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quarkus.elytron.security.common.BcryptUtil;

/** The written-out hash a login of an unknown user is checked against costs what a real user's check costs. */
class UnknownUserHashTest {

    @Test
    void hasTheCostOfTheStoredHashesAndIsAValidHash() {
        String stored = BcryptUtil.bcryptHash("a real password");
        // "$2a$10$": the variant and the cost; a cheaper hash would tell that the user does not exist by its speed
        assertThat(ChainedIdentityProvider.UNKNOWN_USER_HASH.substring(0, 7)).isEqualTo(stored.substring(0, 7));
        // a malformed hash would be refused without the work of a check
        assertThat(BcryptUtil.matches("no such user", ChainedIdentityProvider.UNKNOWN_USER_HASH)).isTrue();
        assertThat(BcryptUtil.matches("anything else", ChainedIdentityProvider.UNKNOWN_USER_HASH)).isFalse();
    }
}
