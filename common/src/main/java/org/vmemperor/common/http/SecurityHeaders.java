package org.vmemperor.common.http;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers on every answer of every service, whoever wrote it (a route, an exception mapper, the request
 * limits, a static page): {@code X-Content-Type-Options: nosniff} always; {@code Cache-Control: no-store} on JSON
 * (sessions, tokens and the pool's contents must not sit in a shared or browser cache); on HTML pages (the console
 * page) a {@code frame-ancestors 'none'} policy so no other site can frame them.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String FRAME_ANCESTORS = "frame-ancestors 'none'";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            context.addHeadersEndHandler(ignored -> add(context));
            context.next();
        });
    }

    static void add(RoutingContext context) {
        MultiMap headers = context.response().headers();
        headers.set("X-Content-Type-Options", "nosniff");
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return;
        }
        if (type.startsWith("application/json") && !headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        if (type.startsWith("text/html")) {
            String policy = headers.get("Content-Security-Policy");
            if (policy == null || policy.isBlank()) {
                headers.set("Content-Security-Policy", FRAME_ANCESTORS);
            } else if (!policy.contains("frame-ancestors")) {
                headers.set("Content-Security-Policy", policy + "; " + FRAME_ANCESTORS);
            }
            headers.set("X-Frame-Options", "DENY");
        }
    }

    /**
     * Whether the client reached us over TLS: directly, or through a proxy that says so ({@code X-Forwarded-Proto} or
     * {@code Forwarded: proto=https}). A client that lies only makes its own cookie unusable over plain HTTP.
     */
    public static boolean overTls(HttpServerRequest request) {
        if (request == null) {
            return false;
        }
        if (request.isSSL()) {
            return true;
        }
        String forwardedProto = request.getHeader("X-Forwarded-Proto");
        if (forwardedProto != null && forwardedProto.split(",", 2)[0].trim().equalsIgnoreCase("https")) {
            return true;
        }
        String forwarded = request.getHeader("Forwarded");
        return forwarded != null && forwarded.split(",", 2)[0].toLowerCase(Locale.ROOT)
                .replace(" ", "").contains("proto=https");
    }
}
