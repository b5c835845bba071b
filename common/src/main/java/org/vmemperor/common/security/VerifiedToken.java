package org.vmemperor.common.security;

import java.time.Instant;

/**
 * A session token that passed signature, issuer, expiry and revocation checks.
 *
 * @param principal who it speaks for
 * @param tokenId its {@code jti}, the handle for revocation
 * @param expiresAt its {@code exp}
 */
public record VerifiedToken(UserPrincipal principal, String tokenId, Instant expiresAt) {
}
