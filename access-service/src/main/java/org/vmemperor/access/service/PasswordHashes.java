package org.vmemperor.access.service;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;

import org.wildfly.security.password.Password;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.spec.EncryptablePasswordSpec;
import org.wildfly.security.password.spec.IteratedSaltedPasswordAlgorithmSpec;
import org.wildfly.security.password.util.ModularCrypt;

/**
 * Local users' password hashes: bcrypt with cost 10 in modular crypt form ({@code $2a$10$...}), the format and cost
 * of the hashes already stored (they were made by Quarkus' {@code BcryptUtil}, which wraps the same Elytron
 * implementation), so existing accounts keep logging in.
 */
public final class PasswordHashes {

    /** 2^10 rounds: 85-91 ms a check on the 2-core build machine (JIT warm), cheap for one login, slow for guessing. */
    static final int COST = 10;

    /**
     * A hash of "no such user" with the cost of the stored ones, checked against for a user who does not exist so that
     * answer times do not tell which user names exist. Written out rather than computed: hashing it took about 5% of
     * the standalone's start-up CPU (JFR), on the start's critical path.
     */
    static final String UNKNOWN_USER_HASH = "$2a$10$.EKdqw33g0ykfEBHezeFjefxjjm2wjAx4tbH0GtrBmdcO8pZpBSy.";

    private static final WildFlyElytronPasswordProvider PROVIDER = WildFlyElytronPasswordProvider.getInstance();
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHashes() {
    }

    public static String hash(String password) {
        byte[] salt = new byte[BCryptPassword.BCRYPT_SALT_SIZE];
        RANDOM.nextBytes(salt);
        try {
            Password hashed = factory().generatePassword(new EncryptablePasswordSpec(password.toCharArray(),
                    new IteratedSaltedPasswordAlgorithmSpec(COST, salt)));
            return ModularCrypt.encodeAsString(hashed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("bcrypt is unavailable", e);
        }
    }

    /** Whether {@code password} matches {@code hash}; false for a hash that cannot be read. */
    public static boolean matches(String password, String hash) {
        try {
            PasswordFactory factory = factory();
            return factory.verify(factory.translate(ModularCrypt.decode(hash)), password.toCharArray());
        } catch (InvalidKeySpecException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("bcrypt is unavailable", e);
        }
    }

    private static PasswordFactory factory() throws GeneralSecurityException {
        return PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT, PROVIDER);
    }
}
