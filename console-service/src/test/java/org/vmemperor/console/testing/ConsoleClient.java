package org.vmemperor.console.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A /console client with the JDK's WebSocket (another implementation than the server's): offers the {@code binary}
 * subprotocol as noVNC does, collects what arrives as a byte stream, and records the close code and reason. With
 * {@link #stallReading()} it stops taking messages, so the JDK stops reading the socket: a browser that cannot keep up.
 */
public final class ConsoleClient implements WebSocket.Listener, RfbWire {

    /** How the server closed the socket. */
    public record Close(int code, String reason) {
    }

    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final AtomicLong received = new AtomicLong();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private byte[] current = new byte[0];
    private int position;
    private volatile boolean stalled;
    private WebSocket socket;

    private ConsoleClient() {
    }

    /** Opens a console URL; {@code headers} are name/value pairs added to the upgrade request. */
    public static ConsoleClient open(String url, String... headers) throws Exception {
        ConsoleClient client = new ConsoleClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("binary");
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        client.socket = builder.buildAsync(URI.create(url), client).get(60, TimeUnit.SECONDS);
        return client;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Completes when the server closes the socket. */
    public CompletableFuture<Close> closed() {
        return closed;
    }

    public Close awaitClose() throws Exception {
        return closed.get(60, TimeUnit.SECONDS);
    }

    /** Bytes received so far (including those not yet read by {@link #read}). */
    public long received() {
        return received.get();
    }

    public void stallReading() {
        stalled = true;
    }

    public void resumeReading() {
        stalled = false;
        socket.request(1);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        received.addAndGet(bytes.length);
        chunks.add(bytes);
        if (!stalled) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.writeBytes(data.toString().getBytes());
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        chunks.add(END);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
        chunks.add(END);
    }

    @Override
    public byte[] read(int length) {
        byte[] out = new byte[length];
        int filled = 0;
        while (filled < length) {
            if (position == current.length) {
                try {
                    current = chunks.poll(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                position = 0;
                if (current == null || current == END) {
                    throw new IllegalStateException("the console ended after " + filled + " of " + length + " bytes");
                }
            }
            int n = Math.min(length - filled, current.length - position);
            System.arraycopy(current, position, out, filled, n);
            position += n;
            filled += n;
        }
        return out;
    }

    @Override
    public void write(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(60, TimeUnit.SECONDS).join();
    }

    /** Closes from the client side (1000). */
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null)
                    .join();
        }
    }

    /** Waits up to {@code timeout} for the server's close; for tests that expect none. */
    public boolean closesWithin(Duration timeout) {
        try {
            closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
