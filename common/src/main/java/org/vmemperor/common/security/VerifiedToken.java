package org.vmemperor.common.security;

import java.time.Instant;

/**
 * A session token that passed signature, issuer, expiry and revocation checks when it was presented. Whether it is
 * still valid later (a long-lived connection opened with it) is {@link TokenVerifier#isStillValid(VerifiedToken)}.
 *
 * @param principal who it speaks for
 * @param tokenId its {@code jti}, the handle for revocation
 * @param expiresAt its {@code exp}
 * @param sessionEpoch its user's session epoch when it was signed
 *        ({@link RevocationList#endSessionsOf(java.sql.Connection, String)})
 */
public record VerifiedToken(UserPrincipal principal, String tokenId, Instant expiresAt, long sessionEpoch) {
}
