package org.vmemperor.vm.install;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.apache.commons.codec.digest.Sha2Crypt;

/**
 * SHA-512 crypt ({@code $6$<salt>$<hash>}, glibc's scheme), the hash that Debian's installer
 * ({@code passwd/user-password-crypted}) and kickstart ({@code user --iscrypted}) accept and write to
 * {@code /etc/shadow} as is. The plain password therefore never has to leave vm-service.
 */
public final class PasswordHasher {

    /** crypt(3)'s alphabet for salts. */
    private static final char[] SALT_CHARS = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();
    private static final int SALT_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHasher() {
    }

    /** A {@code $6$} hash with a fresh random 16-character salt (the longest glibc uses). */
    public static String sha512Crypt(String password) {
        char[] salt = new char[SALT_LENGTH];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = SALT_CHARS[RANDOM.nextInt(SALT_CHARS.length)];
        }
        return sha512Crypt(password, "$6$" + new String(salt));
    }

    /**
     * The hash for a given salt specification ({@code $6$salt} or {@code $6$rounds=N$salt}); for known-answer tests
     * and for checking a password against an existing hash.
     */
    static String sha512Crypt(String password, String saltSpec) {
        if (!saltSpec.startsWith("$6$")) {
            throw new IllegalArgumentException("not a SHA-512 crypt salt");
        }
        // our own salt: commons-codec's default salt source has not always been a SecureRandom
        return Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8), saltSpec);
    }
}
