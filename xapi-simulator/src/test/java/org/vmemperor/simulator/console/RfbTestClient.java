package org.vmemperor.simulator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RFB client written from RFC 6143, independent of the server's code, over any pair of streams:
 * a TCP socket or a WebSocket adapted by {@link WebSocketPipe}.
 */
final class RfbTestClient implements Closeable {

    record ServerInit(int width, int height, byte[] pixelFormat, String name) {
    }

    record Rectangle(int x, int y, int width, int height, int encoding, byte[] pixels) {
    }

    private final DataInputStream in;
    private final OutputStream out;
    private final Closeable connection;

    RfbTestClient(InputStream in, OutputStream out, Closeable connection) {
        this.in = new DataInputStream(in);
        this.out = out;
        this.connection = connection;
    }

    static RfbTestClient over(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        return new RfbTestClient(socket.getInputStream(), socket.getOutputStream(), socket);
    }

    static RfbTestClient over(WebSocketPipe pipe) {
        return new RfbTestClient(pipe.input(), pipe.output(), pipe);
    }

    String readServerVersion() throws IOException {
        return new String(readBytes(12), StandardCharsets.US_ASCII);
    }

    /** Speaks 3.8 through security None and ClientInit, checking every server byte on the way. */
    ServerInit handshake38() throws IOException {
        assertThat(readServerVersion()).isEqualTo("RFB 003.008\n");
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readBytes(2)).as("security types: count 1, None").containsExactly(1, 1);
        send(1);
        assertThat(in.readInt()).as("SecurityResult OK").isZero();
        send(1);
        return readServerInit();
    }

    /** Speaks 3.3, where the server alone picks the security type and sends no SecurityResult for None. */
    ServerInit handshake33() throws IOException {
        assertThat(readServerVersion()).isEqualTo("RFB 003.008\n");
        send("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readInt()).as("security type None as u32").isEqualTo(1);
        send(1);
        return readServerInit();
    }

    ServerInit readServerInit() throws IOException {
        int width = in.readUnsignedShort();
        int height = in.readUnsignedShort();
        byte[] pixelFormat = readBytes(16);
        int nameLength = in.readInt();
        String name = new String(readBytes(nameLength), StandardCharsets.UTF_8);
        return new ServerInit(width, height, pixelFormat, name);
    }

    void requestUpdate(boolean incremental, int x, int y, int width, int height) throws IOException {
        send(ByteBuffer.allocate(10)
                .put((byte) 3)
                .put((byte) (incremental ? 1 : 0))
                .putShort((short) x)
                .putShort((short) y)
                .putShort((short) width)
                .putShort((short) height)
                .array());
    }

    /** Reads one FramebufferUpdate whose rectangles are all raw-encoded at the given pixel size. */
    List<Rectangle> readUpdate(int bytesPerPixel) throws IOException {
        assertThat(in.readUnsignedByte()).as("message type FramebufferUpdate").isZero();
        in.readUnsignedByte();
        int count = in.readUnsignedShort();
        List<Rectangle> rectangles = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int x = in.readUnsignedShort();
            int y = in.readUnsignedShort();
            int width = in.readUnsignedShort();
            int height = in.readUnsignedShort();
            int encoding = in.readInt();
            assertThat(encoding).as("raw encoding").isZero();
            rectangles.add(new Rectangle(x, y, width, height, encoding, readBytes(width * height * bytesPerPixel)));
        }
        return rectangles;
    }

    /** The pixels of a full-area request for the given rectangle, asserting the update has exactly that rectangle. */
    byte[] fetch(int x, int y, int width, int height) throws IOException {
        requestUpdate(false, x, y, width, height);
        List<Rectangle> update = readUpdate(4);
        assertThat(update).hasSize(1);
        Rectangle rectangle = update.get(0);
        assertThat(List.of(rectangle.x(), rectangle.y(), rectangle.width(), rectangle.height()))
                .containsExactly(x, y, width, height);
        return rectangle.pixels();
    }

    void send(int... bytes) throws IOException {
        byte[] message = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            message[i] = (byte) bytes[i];
        }
        send(message);
    }

    void send(byte[] message) throws IOException {
        out.write(message);
        out.flush();
    }

    int readInt() throws IOException {
        return in.readInt();
    }

    byte[] readBytes(int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** Reads until the server closes; true when it does so before the read timeout. */
    boolean serverCloses() throws IOException {
        byte[] sink = new byte[4096];
        try {
            while (true) {
                if (in.read(sink) < 0) {
                    return true;
                }
            }
        } catch (SocketException e) {
            // a reset after the server's close is a close as well
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
