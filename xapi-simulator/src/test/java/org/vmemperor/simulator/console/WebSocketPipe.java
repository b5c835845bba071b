package org.vmemperor.simulator.console;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JDK's WebSocket client seen as a byte stream, the way noVNC's websock.js treats one: binary messages in, in
 * arrival order, and each flush of the output sent as one binary message.
 */
final class WebSocketPipe implements WebSocket.Listener, Closeable {

    /** Marks the end of the inbound stream; compared by identity. */
    private static final byte[] END = new byte[0];
    private static final long READ_TIMEOUT_SECONDS = 10;

    private final BlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
    private WebSocket webSocket;

    private WebSocketPipe() {
    }

    static WebSocketPipe connect(URI uri) throws Exception {
        WebSocketPipe pipe = new WebSocketPipe();
        pipe.webSocket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("binary")
                .buildAsync(uri, pipe)
                .get(10, TimeUnit.SECONDS);
        return pipe;
    }

    String subprotocol() {
        return webSocket.getSubprotocol();
    }

    /** Completes with the close status the server sent, or exceptionally if the connection failed. */
    CompletableFuture<Integer> closeStatus() {
        return closeStatus;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        inbound.add(bytes);
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        // RFB never travels as text; a text frame would be a server bug the byte stream must not hide
        closeStatus.completeExceptionally(new IllegalStateException("text frame received: " + data));
        inbound.add(END);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closeStatus.complete(statusCode);
        inbound.add(END);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closeStatus.completeExceptionally(error);
        inbound.add(END);
    }

    InputStream input() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int position;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                while (position >= current.length) {
                    if (ended) {
                        return -1;
                    }
                    byte[] next;
                    try {
                        next = inbound.poll(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                    if (next == null) {
                        throw new SocketTimeoutException("no WebSocket message within " + READ_TIMEOUT_SECONDS + " s");
                    }
                    if (next == END) {
                        ended = true;
                        return -1;
                    }
                    current = next;
                    position = 0;
                }
                int count = Math.min(length, current.length - position);
                System.arraycopy(current, position, buffer, offset, count);
                position += count;
                return count;
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                pending.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                pending.write(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
                if (pending.size() == 0) {
                    return;
                }
                ByteBuffer message = ByteBuffer.wrap(pending.toByteArray());
                pending.reset();
                try {
                    webSocket.sendBinary(message, true).get(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IOException(e);
                }
            }
        };
    }

    @Override
    public void close() {
        webSocket.abort();
    }
}
