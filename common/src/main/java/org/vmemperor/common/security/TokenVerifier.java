package org.vmemperor.common.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * Verifies session tokens: RS256 signature with the configured public key (any other algorithm, {@code none}
 * included, is refused), issuer, expiry, a token id, and the server-side revocation list.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);

    private final SecurityConfig config;
    private final KeyMaterial keys;
    private final RevocationList revocations;
    private volatile JwtConsumer consumer;

    public TokenVerifier(SecurityConfig config, KeyMaterial keys, RevocationList revocations) {
        this.config = config;
        this.keys = keys;
        this.revocations = revocations;
    }

    /** The token's identity, or empty when it is malformed, forged, expired or revoked. */
    public Optional<VerifiedToken> verify(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        JwtClaims claims;
        try {
            claims = consumer().processToClaims(token);
        } catch (InvalidJwtException e) {
            // the reason is useful, the token itself must never be logged
            LOG.debugf("Rejected a session token: %s", e.getErrorDetails().isEmpty() ? "invalid"
                    : e.getErrorDetails().get(0).getErrorMessage());
            return Optional.empty();
        }
        try {
            String tokenId = claims.getJwtId();
            if (revocations.isRevoked(tokenId)) {
                return Optional.empty();
            }
            List<String> groups = claims.hasClaim(TokenClaims.GROUPS) ? claims.getStringListClaimValue(TokenClaims.GROUPS)
                    : List.of();
            Object admin = claims.getClaimValue(TokenClaims.ADMIN);
            UserPrincipal principal = new UserPrincipal(claims.getSubject(),
                    claims.getStringClaimValue(TokenClaims.NAME), claims.getStringClaimValue(TokenClaims.USERNAME),
                    groups, Boolean.TRUE.equals(admin));
            if (principal.name() == null || principal.username() == null
                    || !principal.id().startsWith(UserPrincipal.USER_PREFIX)) {
                return Optional.empty();
            }
            return Optional.of(new VerifiedToken(principal, tokenId,
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue())));
        } catch (MalformedClaimException e) {
            return Optional.empty();
        }
    }

    private JwtConsumer consumer() {
        if (consumer == null) {
            consumer = new JwtConsumerBuilder()
                    .setRequireExpirationTime()
                    .setRequireSubject()
                    .setRequireJwtId()
                    .setExpectedIssuer(config.issuer())
                    .setAllowedClockSkewInSeconds((int) config.clockSkew().toSeconds())
                    .setVerificationKey(keys.publicKey())
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, TokenClaims.ALGORITHM)
                    .build();
        }
        return consumer;
    }
}
