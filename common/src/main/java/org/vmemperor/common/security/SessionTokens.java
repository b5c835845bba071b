package org.vmemperor.common.security;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
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

    /**
     * The raw token of a request, if it carries one, from an {@code Authorization} header value and a raw
     * {@code Cookie} header value (either may be {@code null}; several Cookie headers may be given joined by commas).
     */
    public Optional<String> find(String authorization, String cookieHeader) {
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(authorization.substring(BEARER.length()).trim());
        }
        return Optional.ofNullable(cookieValue(cookieHeader, config.cookieName()));
    }

    /**
     * Verifies the token found in an {@code Authorization} header value and/or a raw {@code Cookie} header value
     * (either may be {@code null}); for routes outside JAX-RS such as WebSockets.
     */
    public Optional<VerifiedToken> authenticate(String authorization, String cookieHeader) {
        return find(authorization, cookieHeader).flatMap(verifier::verify);
    }

    /** Verifies the token of a JAX-RS request. */
    public Optional<VerifiedToken> authenticate(HttpHeaders headers) {
        return authenticate(headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                headers.getHeaderString(HttpHeaders.COOKIE));
    }

    /**
     * The value of the first cookie called {@code name} in a {@code Cookie} header value ({@code a=1; b=2}; a comma
     * separates too, as between joined headers), trimmed and unquoted; null when absent or empty. Reads only that
     * cookie: the JAX-RS map of every cookie (regex split, one object per cookie) was a measurable part of an
     * authenticated request.
     */
    static String cookieValue(String header, String name) {
        if (header == null) {
            return null;
        }
        int length = header.length();
        int start = 0;
        while (start < length) {
            int end = start;
            while (end < length && header.charAt(end) != ';' && header.charAt(end) != ',') {
                end++;
            }
            int from = skipSpaces(header, start, end);
            int equals = header.indexOf('=', from);
            if (equals >= 0 && equals < end && trimmedEnd(header, from, equals) - from == name.length()
                    && header.startsWith(name, from)) {
                int valueFrom = skipSpaces(header, equals + 1, end);
                int valueTo = trimmedEnd(header, valueFrom, end);
                if (valueTo - valueFrom >= 2 && header.charAt(valueFrom) == '"' && header.charAt(valueTo - 1) == '"') {
                    valueFrom++;
                    valueTo--;
                }
                return valueTo > valueFrom ? header.substring(valueFrom, valueTo) : null;
            }
            start = end + 1;
        }
        return null;
    }

    private static int skipSpaces(String text, int from, int to) {
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        return from;
    }

    private static int trimmedEnd(String text, int from, int to) {
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        return to;
    }
}
