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
     * cookie, with {@link String#indexOf} (vectorised) rather than char by char: the JAX-RS map of every cookie (regex
     * split, one object per cookie) and then a char-by-char scan of the ~700-character token were each ~4-7% of an
     * authenticated request's event-loop time in a JFR profile.
     */
    static String cookieValue(String header, String name) {
        if (header == null || name.isEmpty()) {
            return null;
        }
        int length = header.length();
        for (int at = header.indexOf(name); at >= 0; at = header.indexOf(name, at + 1)) {
            if (!startsPair(header, at)) {
                continue; // inside another cookie's name or value
            }
            int equals = skipSpaces(header, at + name.length(), length);
            if (equals == length || header.charAt(equals) != '=') {
                continue; // a longer name, or a pair without a value
            }
            int valueFrom = skipSpaces(header, equals + 1, length);
            int valueTo = trimmedEnd(header, valueFrom, pairEnd(header, valueFrom));
            if (valueTo - valueFrom >= 2 && header.charAt(valueFrom) == '"' && header.charAt(valueTo - 1) == '"') {
                valueFrom++;
                valueTo--;
            }
            return valueTo > valueFrom ? header.substring(valueFrom, valueTo) : null;
        }
        return null;
    }

    /** Whether only spaces stand between a separator (or the start) and {@code at}. */
    private static boolean startsPair(String header, int at) {
        int before = at - 1;
        while (before >= 0 && Character.isWhitespace(header.charAt(before))) {
            before--;
        }
        return before < 0 || header.charAt(before) == ';' || header.charAt(before) == ',';
    }

    /** The next separator at or after {@code from}, or the end. */
    private static int pairEnd(String header, int from) {
        int semicolon = header.indexOf(';', from);
        int comma = header.indexOf(',', from);
        int end = header.length();
        if (semicolon >= 0) {
            end = semicolon;
        }
        if (comma >= 0 && comma < end) {
            end = comma;
        }
        return end;
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
