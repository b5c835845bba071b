package org.vmemperor.console.relay;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Lets the HTTP server agree to the {@code binary} WebSocket subprotocol that noVNC offers. Vert.x negotiates
 * subprotocols server-wide, so this adds to the list (websockets-next adds its own in the standalone) instead of
 * setting it; a client that offers none still gets a plain WebSocket.
 */
@ApplicationScoped
public class BinarySubprotocol implements HttpServerOptionsCustomizer {

    static final String BINARY = "binary";

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        add(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        add(options);
    }

    private static void add(HttpServerOptions options) {
        if (options.getWebSocketSubProtocols() == null || !options.getWebSocketSubProtocols().contains(BINARY)) {
            options.addWebSocketSubProtocol(BINARY);
        }
    }
}
