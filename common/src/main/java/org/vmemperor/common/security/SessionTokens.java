package org.vmemperor.common.security;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Finds the session token of a request: {@code Authorization: Bearer <token>} first (scripts), then the session
 * cookie (browsers). Also usable outside JAX-RS (WebSocket upgrades) through {@link #authenticate(String, String)}.
 */
@ApplicationScoped
public class SessionTokens {

    private static final String BEARER = "Bearer ";

    private final SecurityConfig config;
    private final TokenVerifier verifier;

    public SessionTokens(SecurityConfig config, TokenVerifier verifier) {
        this.config = config;
        this.verifier = verifier;
    }

    /** The raw token of a JAX-RS request, if it carries one. */
    public Optional<String> find(String authorization, Map<String, Cookie> cookies) {
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(authorization.substring(BEARER.length()).trim());
        }
        Cookie cookie = cookies.get(config.cookieName());
        return cookie == null ? Optional.empty() : Optional.ofNullable(cookie.getValue());
    }

    /**
     * Verifies the token found in an {@code Authorization} header value and/or a raw {@code Cookie} header value
     * (either may be {@code null}); for routes outside JAX-RS such as WebSockets.
     */
    public Optional<VerifiedToken> authenticate(String authorization, String cookieHeader) {
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return verifier.verify(authorization.substring(BEARER.length()).trim());
        }
        if (cookieHeader == null) {
            return Optional.empty();
        }
        for (String part : cookieHeader.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).trim().equals(config.cookieName())) {
                return verifier.verify(part.substring(equals + 1).trim());
            }
        }
        return Optional.empty();
    }

    /** Verifies the token of a JAX-RS request. */
    public Optional<VerifiedToken> authenticate(HttpHeaders headers) {
        return find(headers.getHeaderString(HttpHeaders.AUTHORIZATION), headers.getCookies())
                .flatMap(verifier::verify);
    }
}
