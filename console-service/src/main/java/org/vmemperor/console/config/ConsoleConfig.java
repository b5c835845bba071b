package org.vmemperor.console.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** console-service's keys (README "Configuration"). */
@ConfigMapping(prefix = "vmemperor.console")
public interface ConsoleConfig {

    /** How long a secret from POST /vnc may wait before its WebSocket opens; it works once within that time. */
    @WithDefault("60s")
    Duration secretLifetime();

    /**
     * How long used and expired secrets are kept (hashed) before they are purged. While kept, a late or second use is
     * refused with "expired" or "already used" rather than "unknown".
     */
    @WithDefault("10m")
    Duration secretRetention();

    /** How often used and expired secrets are purged (a scheduler period: {@code 30s}, {@code 1m}). */
    @WithDefault("1m")
    String purgeInterval();

    /**
     * The origin (scheme, host, port, optional path) console URLs start with, e.g. {@code https://vmemperor.example}.
     * Without it the URL is built from the request: {@code X-Forwarded-Proto} / {@code X-Forwarded-Host} when a proxy
     * set them, else the scheme and {@code Host} the client used.
     */
    Optional<String> publicUrl();

    /** A console that relayed no byte either way for this long is closed (a dead client or a frozen tab). */
    @WithDefault("10m")
    Duration idleTimeout();

    /**
     * How often open consoles are checked for a revoked session and for idleness; a logout closes a console within
     * this time plus {@code vmemperor.security.revocation-cache-ttl}, an idle console within this time after its idle
     * timeout (a scheduler period: {@code 5s}, {@code 1m}).
     */
    @WithDefault("5s")
    String sessionCheckInterval();

    /** TCP connect timeout, and the time the pool may take to answer the CONNECT, for a VM's console. */
    @WithDefault("10s")
    Duration connectTimeout();

    /**
     * For {@code https} console locations: trust every certificate and skip the host name check. Only for a pool with
     * self-signed certificates on a trusted network; prefer {@link #tlsTrustCertificate()}.
     */
    @WithDefault("false")
    boolean tlsTrustAll();

    /**
     * For {@code https} console locations: a PEM file with the certificate(s) (the pool's, or its CA) to trust instead
     * of the JVM's default trust store, the one the XenAPI client uses.
     */
    Optional<String> tlsTrustCertificate();
}
