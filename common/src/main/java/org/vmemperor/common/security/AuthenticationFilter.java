package org.vmemperor.common.security;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestFilter;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.error.ApiExceptionMapper;

import io.quarkus.arc.ClientProxy;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;

/**
 * Protects every JAX-RS route of every service by default: without a valid token the answer is 401, on an
 * {@link AdminOnly} route a non-administrator gets 403. {@link PublicRoute}s pass, with the caller filled in when a
 * valid token happens to be present. Runs after resource matching: on the worker thread of blocking routes, on the
 * event loop of {@code @NonBlocking} ones, where it stays unless the revocation check must ask PostgreSQL (then the
 * request is suspended, that check alone runs on a worker thread, and the request resumes on its event loop).
 * <p>
 * A plain {@link ResteasyReactiveContainerRequestFilter} that decides synchronously ({@code abortWith} or nothing) and
 * suspends the request itself in the rare case above, rather than a {@code @ServerRequestFilter} returning a
 * {@code Uni}: that {@code Uni} was suspended, subscribed and context-propagated on every request (~2% of a request in
 * a JFR profile, with or without a token) for an answer that is nearly always known at once, and a
 * {@code @ServerRequestFilter} may not call {@code abortWith} itself.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class AuthenticationFilter implements ResteasyReactiveContainerRequestFilter {

    /**
     * The instances behind the client proxies injected, resolved at the first request: each call through a proxy looks
     * its instance up again (~1.5% of a request for the calls of this filter). Not at construction: the filter is
     * created while Quarkus starts, before the configuration they read exists.
     */
    private record Beans(SessionTokens tokens, TokenVerifier verifier) {
    }

    /** What a route requires, from its annotations. */
    private enum Rule {
        PUBLIC,
        AUTHENTICATED,
        ADMIN
    }

    private final SessionTokens tokensProxy;
    private final TokenVerifier verifierProxy;
    private final CurrentUser currentUser;
    private final ApiExceptionMapper errors = new ApiExceptionMapper();
    private volatile Beans beans;
    /**
     * The rule of each route (one resource-info object per resource method), read from its annotations once: four
     * reflective look-ups per request were ~1% of a request.
     */
    private final Map<ResteasyReactiveResourceInfo, Rule> rules = new ConcurrentHashMap<>();

    public AuthenticationFilter(SessionTokens tokens, TokenVerifier verifier, CurrentUser currentUser) {
        this.tokensProxy = tokens;
        this.verifierProxy = verifier;
        this.currentUser = currentUser;
    }

    private Beans beans() {
        Beans resolved = beans;
        if (resolved == null) {
            // application-scoped: the same instances for as long as this filter lives
            resolved = new Beans(ClientProxy.unwrap(tokensProxy), ClientProxy.unwrap(verifierProxy));
            beans = resolved;
        }
        return resolved;
    }

    @Override
    public void filter(ResteasyReactiveContainerRequestContext request) {
        ResteasyReactiveResourceInfo resource = request.getServerRequestContext().getResteasyReactiveResourceInfo();
        if (resource == null) {
            return;
        }
        Rule rule = rules.get(resource);
        if (rule == null) {
            Method method = resource.getResourceMethod();
            Class<?> type = resource.getResourceClass();
            if (method == null || type == null) {
                return;
            }
            rule = annotated(method, type, PublicRoute.class) ? Rule.PUBLIC
                    : annotated(method, type, AdminOnly.class) ? Rule.ADMIN : Rule.AUTHENTICATED;
            rules.put(resource, rule);
        }
        Beans beans = beans();
        TokenVerifier verifier = beans.verifier();
        String raw = beans.tokens().find(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                request.getHeaderString(HttpHeaders.COOKIE)).orElse(null);
        if (raw == null) {
            refuseIf(request, decide(rule, null));
            return;
        }
        try {
            VerifiedToken signed = verifier.signedAndUnexpired(raw);
            if (signed == null) {
                refuseIf(request, decide(rule, null));
                return;
            }
            // a worker thread may ask PostgreSQL itself; the event loop only takes an answer known at once
            Boolean revoked = Context.isOnEventLoopThread() ? verifier.knownRevocation(signed)
                    : Boolean.valueOf(verifier.isRevoked(signed));
            if (revoked != null) {
                refuseIf(request, decide(rule, revoked ? null : signed));
                return;
            }
        } catch (ApiException e) {
            request.abortWith(errors.toResponse(e));
            return;
        }
        // a non-blocking route, and the revocation list must ask PostgreSQL: not on the event loop
        askOnWorker(request, rule, verifier, raw);
    }

    private void askOnWorker(ResteasyReactiveContainerRequestContext request, Rule rule, TokenVerifier verifier,
            String raw) {
        // the contextual instance, not the proxy: the decision is taken on a worker thread
        CurrentUser caller = ClientProxy.unwrap(currentUser);
        request.suspend();
        try {
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                Response refusal;
                try {
                    refusal = decide(rule, caller, verifier.verify(raw).orElse(null));
                } catch (ApiException e) {
                    refusal = errors.toResponse(e);
                } catch (RuntimeException e) {
                    request.resume(e);
                    return;
                }
                if (refusal != null) {
                    request.abortWith(refusal); // resumes the suspended request
                } else {
                    request.resume();
                }
            });
        } catch (RejectedExecutionException e) {
            request.abortWith(errors.toResponse(ApiException.unavailable("the server is busy", 1)));
        }
    }

    private static void refuseIf(ResteasyReactiveContainerRequestContext request, Response refusal) {
        if (refusal != null) {
            request.abortWith(refusal);
        }
    }

    /** {@link #decide(Rule, CurrentUser, VerifiedToken)} on the current request's thread. */
    private Response decide(Rule rule, VerifiedToken token) {
        return decide(rule, token == null ? null : currentUser, token);
    }

    /**
     * 401 without a valid token (unless public), 403 for a non-administrator on an admin route, else null (go on);
     * the caller is filled in when the token is valid.
     */
    private Response decide(Rule rule, CurrentUser caller, VerifiedToken token) {
        if (token != null) {
            caller.set(token);
        }
        if (rule == Rule.PUBLIC) {
            return null;
        }
        if (token == null) {
            return errors.toResponse(ApiException.notAuthorized());
        }
        if (rule == Rule.ADMIN && !token.principal().admin()) {
            return errors.toResponse(ApiException.accessDenied("administrator required"));
        }
        return null;
    }

    private static boolean annotated(Method method, Class<?> type, Class<? extends Annotation> annotation) {
        return method.isAnnotationPresent(annotation) || type.isAnnotationPresent(annotation);
    }
}
