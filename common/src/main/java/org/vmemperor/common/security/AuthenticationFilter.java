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

import io.quarkus.arc.ClientProxy;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;

/**
 * Protects every JAX-RS route of every service by default: without a valid token the answer is 401, on an
 * {@link AdminOnly} route a non-administrator gets 403. {@link PublicRoute}s pass, with the caller filled in when a
 * valid token happens to be present. Runs after resource matching: on the worker thread of blocking routes, on the
 * event loop of {@code @NonBlocking} ones, where it stays unless the revocation check must ask PostgreSQL (then that
 * check alone moves to a worker thread).
 */
public class AuthenticationFilter {

    private static final Uni<Response> NOTHING = Uni.createFrom().nullItem();

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
    public Uni<Response> authenticate(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        Class<?> type = resource.getResourceClass();
        if (method == null || type == null) {
            return NOTHING;
        }
        Optional<String> raw = tokens.find(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                request.getHeaderString(HttpHeaders.COOKIE));
        // the contextual instance, not the proxy: the decision may be taken on a worker thread
        CurrentUser caller = ClientProxy.unwrap(currentUser);
        if (raw.isEmpty()) {
            return Uni.createFrom().item(decide(method, type, caller, Optional.empty()));
        }
        try {
            if (!Context.isOnEventLoopThread()) {
                return Uni.createFrom().item(decide(method, type, caller, verifier.verify(raw.get())));
            }
            Optional<Optional<VerifiedToken>> quick = verifier.verifyWithoutBlocking(raw.get());
            if (quick.isPresent()) {
                return Uni.createFrom().item(decide(method, type, caller, quick.get()));
            }
        } catch (ApiException e) {
            return Uni.createFrom().item(errors.toResponse(e));
        }
        // a non-blocking route, and the revocation list must ask PostgreSQL: not on the event loop
        return Uni.createFrom().item(() -> verifier.verify(raw.get()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(token -> decide(method, type, caller, token))
                .onFailure(ApiException.class).recoverWithItem(e -> errors.toResponse((ApiException) e));
    }

    /** 401 without a token (unless public), 403 for a non-administrator on an admin route, else null (go on). */
    private Response decide(Method method, Class<?> type, CurrentUser caller, Optional<VerifiedToken> token) {
        token.ifPresent(caller::set);
        if (annotated(method, type, PublicRoute.class)) {
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
