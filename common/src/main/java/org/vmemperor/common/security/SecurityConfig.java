package org.vmemperor.common.security;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How session tokens are carried, signed and verified. Every service reads the same keys. */
@ConfigMapping(prefix = "vmemperor.security")
public interface SecurityConfig {

    /** Name of the HttpOnly cookie that carries the session token. */
    @WithDefault("vmemperor_session")
    String cookieName();

    /**
     * Whether the cookie is marked {@code Secure}. Off by default so the quick start works over plain HTTP; turn it on
     * wherever the API is served over HTTPS (it always should be in production).
     */
    @WithDefault("false")
    boolean cookieSecure();

    /** How long a token (and its cookie) stays valid after login. */
    @WithDefault("12h")
    Duration tokenLifetime();

    /** The {@code iss} claim written by access-service and required by every verifier. */
    @WithDefault("vmemperor")
    String issuer();

    /**
     * PEM file (X.509 {@code PUBLIC KEY}) with the RSA key that verifies tokens; {@code classpath:} prefixes are
     * accepted. Every service of a suite needs it (or {@link #privateKeyLocation()}, from which it is derived).
     */
    Optional<String> publicKeyLocation();

    /**
     * PEM file (PKCS#8 {@code PRIVATE KEY}) with the RSA key that signs tokens. Only access-service needs it; when only
     * this is given, the public key is derived from it.
     */
    Optional<String> privateKeyLocation();

    /**
     * A directory that keeps this installation's signing key ({@code token-signing-key.pem}, mode 0600; the public key
     * is derived from it) when no key location is configured: generated there on the first start, read on every later
     * one. The standalone sets it to its data directory, so its sessions survive restarts and no other installation
     * accepts them. Delete the file (with the process stopped) to rotate the key: every session then ends.
     */
    Optional<String> keyDirectory();

    /**
     * When no key is configured at all: sign and verify with a key pair generated in memory for this process alone
     * (its tokens die with it and no other process accepts them). On in the dev and test profiles only; elsewhere a
     * service without keys refuses to start and names the keys to set.
     */
    @WithDefault("false")
    boolean devKeys();

    /**
     * How long a "not revoked" answer for a token id is trusted before PostgreSQL is asked again. A logout is seen by
     * every replica within this time.
     */
    @WithDefault("2s")
    Duration revocationCacheTtl();

    /**
     * How many verified tokens are remembered (by token string, each until its {@code exp}) so that a token's RSA
     * signature is checked once rather than on every request; 0 turns the cache off. Revocation is checked on every
     * request regardless.
     */
    @WithDefault("10000")
    int verifiedTokenCacheSize();

    /** Tolerated clock difference between the signing and the verifying service. */
    @WithDefault("30s")
    Duration clockSkew();
}
