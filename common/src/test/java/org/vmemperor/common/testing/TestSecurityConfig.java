package org.vmemperor.common.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.vmemperor.common.security.SecurityConfig;

/**
 * {@link SecurityConfig} with its documented defaults and only the key locations given: what a service configured with
 * nothing but its keys reads. For tests that sign or verify session tokens outside a Quarkus application.
 */
public record TestSecurityConfig(Optional<String> publicKeyLocation, Optional<String> privateKeyLocation,
        Optional<String> keyDirectory) implements SecurityConfig {

    /** Signs with this private key, as access-service does. */
    public static SecurityConfig signingWith(Path privateKey) {
        return new TestSecurityConfig(Optional.empty(), Optional.of(privateKey.toString()), Optional.empty());
    }

    /** Reads its keys from a directory, as the standalone and the replicas do. */
    public static SecurityConfig keysIn(Path keyDirectory) {
        return new TestSecurityConfig(Optional.empty(), Optional.empty(), Optional.of(keyDirectory.toString()));
    }

    @Override
    public String cookieName() {
        return "vmemperor_session";
    }

    @Override
    public boolean cookieSecure() {
        return false;
    }

    @Override
    public Duration tokenLifetime() {
        return Duration.ofHours(12);
    }

    @Override
    public String issuer() {
        return "vmemperor";
    }

    @Override
    public boolean devKeys() {
        return false;
    }

    @Override
    public Duration revocationCacheTtl() {
        return Duration.ofSeconds(2);
    }

    @Override
    public int verifiedTokenCacheSize() {
        return 10_000;
    }

    @Override
    public Duration clockSkew() {
        return Duration.ofSeconds(30);
    }
}
