package org.vmemperor.common.http;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Plain-HTTP clients stay on HTTP/1.1: the server ignores {@code Upgrade: h2c}. An upgrade reads the request's body
 * before any handler runs, so {@link RequestLimits} could no longer bound it (Vert.x refused to pause the finished
 * request, and Java's default HttpClient, which always asks for the upgrade, got 500 on its first POST). HTTP/2 over
 * TLS (ALPN) is unaffected; behind the ingress the hop to the services is HTTP/1.1 anyway.
 */
@ApplicationScoped
public class NoCleartextHttp2 implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
