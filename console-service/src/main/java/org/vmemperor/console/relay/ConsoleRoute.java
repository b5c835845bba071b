package org.vmemperor.console.relay;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * WebSocket /console?secret=...: a plain Vert.x route rather than a websockets-next endpoint, because the relay needs
 * the socket as a stream it can pause (back-pressure) and closes it with its own codes. No cookie is needed: the secret
 * is the credential, so the JAX-RS authentication filter (which does not see this route anyway) has no part in it.
 */
@ApplicationScoped
public class ConsoleRoute {

    private final ConsoleSessions sessions;

    public ConsoleRoute(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    void register(@Observes Router router) {
        router.route(HttpMethod.GET, "/console").handler(this::upgrade);
    }

    private void upgrade(RoutingContext context) {
        if (!"websocket".equalsIgnoreCase(context.request().getHeader("Upgrade"))) {
            // the one error model, as on every REST route
            context.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"status\":\"bad request\",\"message\":\"/console is a WebSocket: ask POST /vnc for its URL\"}");
            return;
        }
        String secret = context.request().getParam("secret");
        String authorization = context.request().getHeader("Authorization");
        String cookie = context.request().getHeader("Cookie");
        // accept the upgrade whatever the secret: a browser only learns why through the close code and reason
        context.request().toWebSocket()
                .onSuccess(ws -> sessions.open(ws, secret, authorization, cookie))
                .onFailure(e -> Log.debugf("a /console upgrade failed: %s", e.getMessage()));
    }
}
