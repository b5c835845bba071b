package org.vmemperor.common.security;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/** Signs session tokens (RS256) with the private key; every service verifies them with the public key. */
@ApplicationScoped
public class TokenSigner {

    /** A signed token and its expiry. */
    public record SignedToken(String token, String tokenId, Instant expiresAt) {
    }

    private final SecurityConfig config;
    private final KeyMaterial keys;
    private final RevocationList revocations;

    public TokenSigner(SecurityConfig config, KeyMaterial keys, RevocationList revocations) {
        this.config = config;
        this.keys = keys;
        this.revocations = revocations;
    }

    /** Signs a token with the user's current session epoch (read now). */
    public SignedToken sign(UserPrincipal principal) {
        return sign(principal, Instant.now().plus(config.tokenLifetime()));
    }

    /**
     * Signs a token with the session epoch a login read before it read the user's groups (see
     * {@link RevocationList#sessionEpoch(String)}), so that a group removal committed meanwhile refuses it.
     */
    public SignedToken sign(UserPrincipal principal, long sessionEpoch) {
        return sign(principal, sessionEpoch, Instant.now().plus(config.tokenLifetime()));
    }

    /** Signs a token expiring at {@code expiresAt} (tests use it to make expired tokens). */
    public SignedToken sign(UserPrincipal principal, Instant expiresAt) {
        return sign(principal, revocations.sessionEpoch(principal.id()), expiresAt);
    }

    private SignedToken sign(UserPrincipal principal, long sessionEpoch, Instant expiresAt) {
        String tokenId = UUID.randomUUID().toString();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(config.issuer());
        claims.setSubject(principal.id());
        claims.setJwtId(tokenId);
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        claims.setClaim(TokenClaims.NAME, principal.name());
        claims.setClaim(TokenClaims.USERNAME, principal.username());
        claims.setStringListClaim(TokenClaims.GROUPS, principal.groups());
        claims.setClaim(TokenClaims.ADMIN, principal.admin());
        claims.setClaim(TokenClaims.SESSION_EPOCH, sessionEpoch);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.privateKey().orElseThrow(() -> new IllegalStateException(
                "access-service needs vmemperor.security.private-key-location to sign tokens")));
        jws.setAlgorithmHeaderValue(TokenClaims.ALGORITHM);
        try {
            return new SignedToken(jws.getCompactSerialization(), tokenId, expiresAt);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a session token", e);
        }
    }
}
