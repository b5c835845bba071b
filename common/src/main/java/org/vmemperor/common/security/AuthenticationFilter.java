package org.vmemperor.common.security;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Optional;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.error.ApiExceptionMapper;

/**
 * Protects every JAX-RS route of every service by default: without a valid token the answer is 401, on an
 * {@link AdminOnly} route a non-administrator gets 403. {@link PublicRoute}s pass, with the caller filled in when a
 * valid token happens to be present. Runs after resource matching, so on the worker thread of blocking routes (the
 * revocation check may ask PostgreSQL).
 */
public class AuthenticationFilter {

    private final SessionTokens tokens;
    private final TokenVerifier verifier;
    private final CurrentUser currentUser;
    private final ApiExceptionMapper errors = new ApiExceptionMapper();

    public AuthenticationFilter(SessionTokens tokens, TokenVerifier verifier, CurrentUser currentUser) {
        this.tokens = tokens;
        this.verifier = verifier;
        this.currentUser = currentUser;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        Class<?> type = resource.getResourceClass();
        if (method == null || type == null) {
            return null;
        }
        boolean isPublic = annotated(method, type, PublicRoute.class);
        Optional<VerifiedToken> token;
        try {
            token = tokens.find(request.getHeaderString(HttpHeaders.AUTHORIZATION), request.getCookies())
                    .flatMap(verifier::verify);
        } catch (ApiException e) {
            return errors.toResponse(e);
        }
        token.ifPresent(currentUser::set);
        if (isPublic) {
            return null;
        }
        if (token.isEmpty()) {
            return errors.toResponse(ApiException.notAuthorized());
        }
        if (annotated(method, type, AdminOnly.class) && !token.get().principal().admin()) {
            return errors.toResponse(ApiException.accessDenied("administrator required"));
        }
        return null;
    }

    private static boolean annotated(Method method, Class<?> type, Class<? extends Annotation> annotation) {
        return method.isAnnotationPresent(annotation) || type.isAnnotationPresent(annotation);
    }
}
