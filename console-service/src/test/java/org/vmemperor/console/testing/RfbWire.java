package org.vmemperor.console.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Both ends of an RFB conversation a test can hold: the relay's WebSocket, or the pool's console directly. */
public interface RfbWire {

    /** Blocks until exactly {@code length} bytes arrived (or fails when the connection ends). */
    byte[] read(int length);

    void write(byte[] bytes);

    /**
     * The same client script on any wire: RFB 3.8 handshake with security None, shared ClientInit, then one full
     * non-incremental FramebufferUpdateRequest in the server's pixel format. Answers every byte the server sent.
     */
    static byte[] handshakeAndFullUpdate(RfbWire wire) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        got.writeBytes(wire.read(12));
        wire.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        byte[] count = wire.read(1);
        got.writeBytes(count);
        got.writeBytes(wire.read(count[0]));
        wire.write(new byte[] { 1 });
        got.writeBytes(wire.read(4));
        wire.write(new byte[] { 1 });
        byte[] serverInit = wire.read(24);
        got.writeBytes(serverInit);
        int width = ByteBuffer.wrap(serverInit, 0, 2).getShort() & 0xFFFF;
        int height = ByteBuffer.wrap(serverInit, 2, 2).getShort() & 0xFFFF;
        got.writeBytes(wire.read(ByteBuffer.wrap(serverInit, 20, 4).getInt()));
        wire.write(ByteBuffer.allocate(10).put((byte) 3).put((byte) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) width).putShort((short) height).array());
        byte[] updateHeader = wire.read(4);
        got.writeBytes(updateHeader);
        int rectangles = ByteBuffer.wrap(updateHeader, 2, 2).getShort() & 0xFFFF;
        for (int i = 0; i < rectangles; i++) {
            byte[] rectangle = wire.read(12);
            got.writeBytes(rectangle);
            int w = ByteBuffer.wrap(rectangle, 4, 2).getShort() & 0xFFFF;
            int h = ByteBuffer.wrap(rectangle, 6, 2).getShort() & 0xFFFF;
            got.writeBytes(wire.read(w * h * 4));
        }
        return got.toByteArray();
    }
}
