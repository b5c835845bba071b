package org.vmemperor.access.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashesTest {

    /** Made by Quarkus' BcryptUtil.bcryptHash("old-password"), as every local account's hash before this class. */
    private static final String HASH_STORED_BY_EARLIER_VERSIONS = "$2a$10$76wTTCspCmtReHWjL8hq7u8vt70xZ9rPtMI0rbNXT.2jN3J4LNIBe";

    @Test
    void aHashMatchesItsPasswordOnlyAndIsSaltedAnew() {
        String hash = PasswordHashes.hash("a real password");
        assertThat(hash).startsWith("$2a$10$").hasSize(60);
        assertThat(PasswordHashes.matches("a real password", hash)).isTrue();
        assertThat(PasswordHashes.matches("a real passwore", hash)).isFalse();
        assertThat(PasswordHashes.hash("a real password")).isNotEqualTo(hash);
    }

    @Test
    void accountsCreatedByEarlierVersionsStillLogIn() {
        assertThat(PasswordHashes.matches("old-password", HASH_STORED_BY_EARLIER_VERSIONS)).isTrue();
        assertThat(PasswordHashes.matches("new-password", HASH_STORED_BY_EARLIER_VERSIONS)).isFalse();
    }

    @Test
    void theUnknownUserHashCostsWhatARealUsersCheckCosts() {
        // "$2a$10$": the variant and the cost; a cheaper hash would tell that the user does not exist by its speed
        assertThat(PasswordHashes.UNKNOWN_USER_HASH).startsWith(PasswordHashes.hash("x").substring(0, 7));
        // a malformed hash would be refused without the work of a check
        assertThat(PasswordHashes.matches("no such user", PasswordHashes.UNKNOWN_USER_HASH)).isTrue();
        assertThat(PasswordHashes.matches("anything else", PasswordHashes.UNKNOWN_USER_HASH)).isFalse();
    }

    @Test
    void anUnreadableHashMatchesNothing() {
        assertThat(PasswordHashes.matches("", "not a hash")).isFalse();
        assertThat(PasswordHashes.matches("x", "")).isFalse();
    }
}
