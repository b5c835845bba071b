package org.vmemperor.common.security;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import org.vmemperor.common.error.ApiException;

/**
 * The caller of the current request, filled in by {@link AuthenticationFilter}. Inject it into resources and
 * services; {@link #principal()} never returns an unauthenticated caller.
 */
@RequestScoped
public class CurrentUser {

    private VerifiedToken token;

    void set(VerifiedToken token) {
        this.token = token;
    }

    /** The caller; 401 when the request carries no valid token (only possible on a {@link PublicRoute}). */
    public UserPrincipal principal() {
        return token().principal();
    }

    /** The verified token of the caller (its id and expiry are what /logout revokes). */
    public VerifiedToken token() {
        if (token == null) {
            throw ApiException.notAuthorized();
        }
        return token;
    }

    public Optional<UserPrincipal> optionalPrincipal() {
        return Optional.ofNullable(token).map(VerifiedToken::principal);
    }

    public boolean isAdmin() {
        return token != null && token.principal().admin();
    }

    /** 403 unless the caller is an administrator, for checks that depend on arguments rather than the route. */
    public void requireAdmin() {
        if (!principal().admin()) {
            throw ApiException.accessDenied("administrator required");
        }
    }
}
