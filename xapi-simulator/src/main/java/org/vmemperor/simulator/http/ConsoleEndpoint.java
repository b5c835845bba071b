package org.vmemperor.simulator.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.BiPredicate;

import org.jboss.logging.Logger;
import org.vmemperor.simulator.console.RfbConsole;
import org.vmemperor.simulator.store.ObjectStore;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

/**
 * /console as xapi serves it: {@code CONNECT /console?uuid=...} answered with 200 and then raw RFB, or a
 * WebSocket (subprotocol "binary") on the same path. Auth is the session_id cookie, the session_id query
 * parameter, or Basic with root's password. The RFB itself is RfbConsole's.
 */
public final class ConsoleEndpoint {
    private static final Logger LOG = Logger.getLogger(ConsoleEndpoint.class);
    public static final String PATH = "/console";

    private final ObjectStore store;
    private final BiPredicate<String, String> credentials;

    /** The outcome of checking a console request: an HTTP status to refuse with, or the VM to show. */
    private record Verdict(int status, String vmName) {
        boolean allowed() {
            return status == 200;
        }
    }

    public ConsoleEndpoint(ObjectStore store, BiPredicate<String, String> credentials) {
        this.store = store;
        this.credentials = credentials;
    }

    public void handle(HttpServerRequest request) {
        if (request.method() != HttpMethod.CONNECT) {
            request.response().setStatusCode(405).end();
            return;
        }
        Verdict verdict = check(request.headers(), request.params());
        if (!verdict.allowed()) {
            request.response().setStatusCode(verdict.status()).end();
            return;
        }
        request.toNetSocket().onSuccess(socket -> RfbConsole.serve(socket, verdict.vmName()))
                .onFailure(e -> LOG.debugf("console tunnel failed: %s", e.getMessage()));
    }

    public void handle(ServerWebSocket ws) {
        if (!PATH.equals(ws.path())) {
            ws.reject(404);
            return;
        }
        MultiMap params = queryParams(ws.query());
        Verdict verdict = check(ws.headers(), params);
        if (!verdict.allowed()) {
            ws.reject(verdict.status());
            return;
        }
        RfbConsole.serve(ws, verdict.vmName());
    }

    private Verdict check(MultiMap headers, MultiMap params) {
        Optional<Boolean> authenticated = authenticate(headers, params);
        if (authenticated.isEmpty()) {
            return new Verdict(401, "");
        }
        if (!authenticated.get()) {
            return new Verdict(403, "");
        }
        return store.atomically(() -> {
            String console = params.get("uuid") != null ? store.findByUuid("console", params.get("uuid")).orElse("")
                    : String.valueOf(params.get("ref"));
            if (!store.exists("console", console)) {
                return new Verdict(404, "");
            }
            String vm = store.str("console", console, "VM");
            if (!store.exists("VM", vm) || !"Running".equals(store.str("VM", vm, "power_state"))) {
                return new Verdict(404, "");
            }
            return new Verdict(200, store.str("VM", vm, "name_label"));
        });
    }

    /** Empty when no credentials were offered at all; otherwise whether they are good. */
    private Optional<Boolean> authenticate(MultiMap headers, MultiMap params) {
        String session = params.get("session_id");
        if (session == null) {
            session = cookie(headers.get("Cookie"), "session_id");
        }
        if (session != null) {
            String ref = session;
            return Optional.of(store.atomically(() -> store.exists("session", ref)));
        }
        String authorization = headers.get("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return Optional.of(colon > 0
                        && credentials.test(decoded.substring(0, colon), decoded.substring(colon + 1)));
            } catch (IllegalArgumentException malformed) {
                return Optional.of(false);
            }
        }
        return Optional.empty();
    }

    private static MultiMap queryParams(String query) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                params.add(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return params;
    }

    private static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String[] pair = part.trim().split("=", 2);
            if (pair.length == 2 && pair[0].equals(name)) {
                return pair[1];
            }
        }
        return null;
    }
}
