package org.vmemperor.console.relay;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.console.config.ConsoleConfig;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Opens a VM's console on the pool as xapi serves it: TCP (TLS for an {@code https} location) to the console's
 * location, {@code CONNECT <path>?<query> HTTP/1.0} authenticated with the service account's session as the
 * {@code session_id} cookie, a {@code 200} answer, then raw RFB.
 */
@ApplicationScoped
public class PoolConsoleConnector {

    /** An answer head longer than this is not xapi's: give up rather than buffer it. */
    private static final int MAX_ANSWER_HEAD = 16 * 1024;
    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A console connection after the pool's 200: the socket (paused) and the RFB bytes that came with the answer. */
    public record Tunnel(NetSocket socket, Buffer early) {
    }

    /** The pool answered the CONNECT with another status than 200. */
    public static final class RefusedByPool extends RuntimeException {
        private final int status;

        RefusedByPool(int status) {
            super("the pool answered the console CONNECT with HTTP " + status, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The console could not be reached or did not answer like xapi. */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final Vertx vertx;
    private final ConsoleConfig config;
    private NetClient plain;
    private NetClient tls;

    public PoolConsoleConnector(Vertx vertx, ConsoleConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    @PreDestroy
    synchronized void stop() {
        if (plain != null) {
            plain.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    /**
     * Connects to a console location. The session reference goes into the CONNECT only; it is never logged.
     *
     * @return the tunnel, or a failed future with {@link RefusedByPool} or {@link Unreachable}
     */
    public Future<Tunnel> connect(String location, String sessionReference) {
        URI uri;
        try {
            uri = URI.create(location);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new Unreachable("the console location is not a URL"));
        }
        boolean secure = "https".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            return Future.failedFuture(new Unreachable("the console location is not an http(s) URL"));
        }
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String hostHeader = uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
        Promise<Tunnel> tunnel = Promise.promise();
        client(secure).connect(SocketAddress.inetSocketAddress(port, uri.getHost()), uri.getHost())
                .onFailure(e -> tunnel.tryFail(new Unreachable("cannot connect to the VM's console: " + e.getMessage())))
                .onSuccess(socket -> handshake(socket, target, hostHeader, sessionReference, tunnel));
        return tunnel.future();
    }

    private void handshake(NetSocket socket, String target, String hostHeader, String sessionReference,
            Promise<Tunnel> tunnel) {
        Buffer head = Buffer.buffer();
        long timer = vertx.setTimer(config.connectTimeout().toMillis(), id -> {
            if (tunnel.tryFail(new Unreachable("the VM's console did not answer"))) {
                socket.close();
            }
        });
        socket.handler(chunk -> {
            if (tunnel.future().isComplete()) {
                return;
            }
            head.appendBuffer(chunk);
            int end = indexOf(head, END_OF_HEAD);
            if (end < 0) {
                if (head.length() > MAX_ANSWER_HEAD) {
                    vertx.cancelTimer(timer);
                    tunnel.tryFail(new Unreachable("the VM's console did not answer like xapi"));
                    socket.close();
                }
                return;
            }
            vertx.cancelTimer(timer);
            // the relay takes over from here: nothing more may be read before it set its handlers
            socket.pause();
            int status = status(head.getString(0, end, StandardCharsets.ISO_8859_1.name()));
            if (status != 200) {
                tunnel.tryFail(status < 0 ? new Unreachable("the VM's console did not answer like xapi")
                        : new RefusedByPool(status));
                socket.close();
                return;
            }
            tunnel.tryComplete(new Tunnel(socket, head.getBuffer(end + END_OF_HEAD.length, head.length())));
        });
        socket.exceptionHandler(e -> {
            vertx.cancelTimer(timer);
            tunnel.tryFail(new Unreachable("the VM's console connection failed: " + e.getMessage()));
        });
        socket.closeHandler(v -> {
            vertx.cancelTimer(timer);
            tunnel.tryFail(new Unreachable("the VM's console closed before answering"));
        });
        socket.write("CONNECT " + target + " HTTP/1.0\r\nHost: " + hostHeader + "\r\nCookie: session_id="
                + sessionReference + "\r\n\r\n");
    }

    /** The status code of an HTTP answer head, or -1 when it is not one. */
    static int status(String head) {
        int lineEnd = head.indexOf("\r\n");
        String statusLine = lineEnd < 0 ? head : head.substring(0, lineEnd);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int indexOf(Buffer buffer, byte[] needle) {
        outer: for (int i = 0; i <= buffer.length() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buffer.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private synchronized NetClient client(boolean secure) {
        if (!secure) {
            if (plain == null) {
                plain = vertx.createNetClient(new NetClientOptions()
                        .setConnectTimeout((int) config.connectTimeout().toMillis()).setTcpNoDelay(true));
            }
            return plain;
        }
        if (tls == null) {
            NetClientOptions options = new NetClientOptions().setConnectTimeout((int) config.connectTimeout().toMillis())
                    .setTcpNoDelay(true).setSsl(true);
            if (config.tlsTrustAll()) {
                options.setTrustAll(true).setHostnameVerificationAlgorithm("");
            } else {
                options.setHostnameVerificationAlgorithm("HTTPS");
                config.tlsTrustCertificate()
                        .ifPresent(path -> options.setTrustOptions(new PemTrustOptions().addCertPath(path)));
            }
            tls = vertx.createNetClient(options);
        }
        return tls;
    }
}
