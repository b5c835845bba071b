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

    public TokenSigner(SecurityConfig config, KeyMaterial keys) {
        this.config = config;
        this.keys = keys;
    }

    public SignedToken sign(UserPrincipal principal) {
        return sign(principal, Instant.now().plus(config.tokenLifetime()));
    }

    /** Signs a token expiring at {@code expiresAt} (tests use it to make expired tokens). */
    public SignedToken sign(UserPrincipal principal, Instant expiresAt) {
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
