package org.vmemperor.simulator.console;

import java.util.Objects;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;

/**
 * The simulated VM console: an RFB server (versions 3.3, 3.7 and 3.8, security type None, raw encoding) showing a
 * 640x480 test pattern that carries the VM's name in text and as the RFB desktop name.
 * <p>
 * Both entry points take the connection over: they install its data, close, exception and drain handlers, resume it
 * if it was paused, and send the server's protocol version at once. They return immediately; the session then lives
 * on the connection's event loop until either side closes. Bad input closes the connection and never throws.
 */
public final class RfbConsole {

    private RfbConsole() {
    }

    /** Serves RFB on a raw socket that has already been answered "HTTP/1.1 200 OK" after CONNECT. */
    public static void serve(NetSocket socket, String vmName) {
        Objects.requireNonNull(socket, "socket");
        RfbSession session = new RfbSession(new NetSocketTransport(socket), vmName);
        socket.handler(session::onData);
        socket.closeHandler(ignored -> session.onClosed());
        socket.exceptionHandler(session::onTransportError);
        socket.drainHandler(ignored -> session.onDrained());
        socket.resume();
        session.start();
    }

    /**
     * Serves RFB over a WebSocket (binary frames, subprotocol "binary").
     * <p>
     * Negotiating the subprotocol is the HTTP server's part ({@code HttpServerOptions.setWebSocketSubProtocols}). A
     * WebSocket whose handshake is still pending is accepted by the first write, so call this only once the upgrade
     * is meant to succeed. Each server message goes out as one binary message; client bytes are read from every data
     * frame regardless of how the client splits them.
     */
    public static void serve(ServerWebSocket ws, String vmName) {
        Objects.requireNonNull(ws, "ws");
        RfbSession session = new RfbSession(new WebSocketTransport(ws), vmName);
        ws.handler(session::onData);
        ws.closeHandler(ignored -> session.onClosed());
        ws.exceptionHandler(session::onTransportError);
        ws.drainHandler(ignored -> session.onDrained());
        ws.resume();
        session.start();
    }

    private static final class NetSocketTransport implements RfbTransport {
        private final NetSocket socket;

        NetSocketTransport(NetSocket socket) {
            this.socket = socket;
        }

        @Override
        public void write(Buffer data) {
            socket.write(data);
        }

        @Override
        public void end(Buffer data) {
            socket.end(data);
        }

        @Override
        public void close() {
            socket.close();
        }

        @Override
        public boolean writeQueueFull() {
            return socket.writeQueueFull();
        }

        @Override
        public void pause() {
            socket.pause();
        }

        @Override
        public void resume() {
            socket.resume();
        }

        @Override
        public String peer() {
            return String.valueOf(socket.remoteAddress());
        }
    }

    private static final class WebSocketTransport implements RfbTransport {
        private final ServerWebSocket ws;

        WebSocketTransport(ServerWebSocket ws) {
            this.ws = ws;
        }

        @Override
        public void write(Buffer data) {
            ws.writeBinaryMessage(data);
        }

        @Override
        public void end(Buffer data) {
            ws.writeBinaryMessage(data);
            close();
        }

        @Override
        public void close() {
            // closing twice throws in some Vert.x versions, and the peer may have closed first
            if (!ws.isClosed()) {
                ws.close();
            }
        }

        @Override
        public boolean writeQueueFull() {
            return ws.writeQueueFull();
        }

        @Override
        public void pause() {
            ws.pause();
        }

        @Override
        public void resume() {
            ws.resume();
        }

        @Override
        public String peer() {
            return String.valueOf(ws.remoteAddress());
        }
    }
}
