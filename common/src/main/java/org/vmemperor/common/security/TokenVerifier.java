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

import io.quarkus.arc.ClientProxy;

/**
 * Verifies session tokens: RS256 signature with the configured public key (any other algorithm, {@code none}
 * included, is refused), issuer, expiry, a token id, and the server-side revocation list (logouts, and users whose
 * sessions were ended: deleted, or removed from a group; {@link #isStillValid(VerifiedToken)} for connections that
 * outlive their request). The result of the first
 * four is remembered per token string until the token's {@code exp} ({@link VerifiedTokenCache}); revocation is asked
 * on every use ({@link RevocationList} answers from its own cache for up to {@link SecurityConfig#revocationCacheTtl()}).
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);

    private final SecurityConfig config;
    private final KeyMaterial keys;
    private final RevocationList revocations;
    private final VerifiedTokenCache verified;
    private volatile JwtConsumer consumer;

    public TokenVerifier(SecurityConfig config, KeyMaterial keys, RevocationList revocations) {
        this.config = config;
        this.keys = keys;
        // the instance, not its client proxy, which would look it up again on each of the calls of every request
        this.revocations = ClientProxy.unwrap(revocations);
        this.verified = new VerifiedTokenCache(config.verifiedTokenCacheSize());
    }

    /** The token's identity, or empty when it is malformed, forged, expired or revoked. */
    public Optional<VerifiedToken> verify(String token) {
        VerifiedToken signed = signedAndUnexpired(token);
        if (signed == null) {
            return Optional.empty();
        }
        return revocations.isRevoked(signed) ? Optional.empty() : Optional.of(signed);
    }

    /**
     * Whether a token verified earlier still speaks for its user now: not expired (with the tolerated clock skew), not
     * logged out, and its user not deleted nor removed from a group (nor a group of it deleted) since it was signed,
     * as seen by any replica within {@link SecurityConfig#revocationCacheTtl()}. This is the one check for anything
     * that outlives the request that presented the token (the /vmlist stream, console relays): ask it periodically
     * and close with 4401 on {@code false}, which is final.
     *
     * @throws org.vmemperor.common.error.ApiException 503 when the session store is unreachable (the caller decides
     *         whether to keep an authenticated connection open until the next check)
     */
    public boolean isStillValid(VerifiedToken token) {
        if (isExpired(token)) {
            return false;
        }
        return !revocations.isRevoked(token);
    }

    /**
     * Whether a token verified earlier is past its expiry now, with the tolerated clock skew: the part of
     * {@link #isStillValid} a long-lived connection names apart ("session expired", not "revoked") when it closes.
     */
    public boolean isExpired(VerifiedToken token) {
        return Instant.now().isAfter(token.expiresAt().plus(config.clockSkew()));
    }

    /**
     * Whether the revocation list knows the answer for a token checked by {@link #signedAndUnexpired} without asking
     * PostgreSQL ({@link RevocationList#knownAnswer}): null when it must be asked (call {@link #verify} on a worker
     * thread). With {@link #signedAndUnexpired}, what an event-loop caller needs to stay on the event loop.
     */
    Boolean knownRevocation(VerifiedToken signed) {
        return revocations.knownAnswer(signed);
    }

    /** {@link RevocationList#isRevoked}: may ask PostgreSQL (not on the event loop); 503 when it cannot. */
    boolean isRevoked(VerifiedToken signed) {
        return revocations.isRevoked(signed);
    }

    /** The token checked for all but revocation, from the cache when seen before; null when it fails a check. */
    VerifiedToken signedAndUnexpired(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        VerifiedToken cached = verified.get(token);
        if (cached == null) {
            cached = verifySignatureAndClaims(token);
            if (cached != null) {
                verified.put(token, cached);
            }
        }
        return cached;
    }

    /** Signature, issuer, expiry and claims (not revocation); null when any is wrong. */
    private VerifiedToken verifySignatureAndClaims(String token) {
        JwtClaims claims;
        try {
            claims = consumer().processToClaims(token);
        } catch (InvalidJwtException e) {
            // the reason is useful, the token itself must never be logged
            LOG.debugf("Rejected a session token: %s", e.getErrorDetails().isEmpty() ? "invalid"
                    : e.getErrorDetails().get(0).getErrorMessage());
            return null;
        }
        try {
            List<String> groups = claims.hasClaim(TokenClaims.GROUPS) ? claims.getStringListClaimValue(TokenClaims.GROUPS)
                    : List.of();
            Object admin = claims.getClaimValue(TokenClaims.ADMIN);
            Object epoch = claims.hasClaim(TokenClaims.SESSION_EPOCH) ? claims.getClaimValue(TokenClaims.SESSION_EPOCH)
                    : 0L;
            UserPrincipal principal = new UserPrincipal(claims.getSubject(),
                    claims.getStringClaimValue(TokenClaims.NAME), claims.getStringClaimValue(TokenClaims.USERNAME),
                    groups, Boolean.TRUE.equals(admin));
            if (principal.name() == null || principal.username() == null
                    || !principal.id().startsWith(UserPrincipal.USER_PREFIX) || !(epoch instanceof Long)) {
                return null;
            }
            return new VerifiedToken(principal, claims.getJwtId(),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()), (Long) epoch);
        } catch (MalformedClaimException e) {
            return null;
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
