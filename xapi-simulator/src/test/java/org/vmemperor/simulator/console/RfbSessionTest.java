package org.vmemperor.simulator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/**
 * The state machine fed directly, without a network in between, so that chunk boundaries are exactly the ones the
 * test chooses. Outside a Vert.x context there is no timer, so incremental requests after the first picture stay
 * unanswered here; {@link RfbConsoleTest} covers the delayed answer.
 */
class RfbSessionTest {

    private static final byte[] HANDSHAKE_38 = concat(ascii("RFB 003.008\n"), bytes(1), bytes(1));
    private static final byte[] FULL_REQUEST = bytes(3, 0, 0, 0, 0, 0, 2, 0x80, 1, 0xE0);

    private final RecordingTransport transport = new RecordingTransport();

    @Test
    void serverSpeaksFirst() {
        start("vm");

        assertThat(transport.written()).asString(StandardCharsets.US_ASCII).isEqualTo("RFB 003.008\n");
    }

    @Test
    void handshakeAndUpdateSurviveArrivingOneByteAtATime() {
        RfbSession session = start("one-byte");
        byte[] input = concat(HANDSHAKE_38, FULL_REQUEST);

        for (byte b : input) {
            session.onData(Buffer.buffer(new byte[] { b }));
        }

        ByteBuffer output = ByteBuffer.wrap(transport.written());
        skip(output, 12);
        assertThat(new byte[] { output.get(), output.get() }).containsExactly(1, 1);
        assertThat(output.getInt()).as("SecurityResult").isZero();
        assertServerInit(output, "one-byte");
        assertFullUpdate(output);
        assertThat(output.hasRemaining()).isFalse();
        assertThat(transport.closed).isFalse();
    }

    @Test
    void everyClientMessageSplitAnywhereIsStillUnderstood() {
        byte[] messages = concat(
                bytes(2, 0, 0, 2, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x21),
                bytes(4, 1, 0, 0, 0, 0, 0, 'a'),
                bytes(5, 0, 1, 0, 1, 0),
                bytes(6, 0, 0, 0, 0, 0, 0, 3, 'x', 'y', 'z'),
                bytes(0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0),
                FULL_REQUEST);
        for (int split = 1; split < messages.length; split++) {
            RecordingTransport recording = new RecordingTransport();
            RfbSession session = new RfbSession(recording, "split");
            session.start();
            session.onData(Buffer.buffer(HANDSHAKE_38));
            int before = recording.written().length;

            session.onData(Buffer.buffer(messages).getBuffer(0, split));
            session.onData(Buffer.buffer(messages).getBuffer(split, messages.length));

            ByteBuffer output = ByteBuffer.wrap(recording.written());
            skip(output, before);
            assertFullUpdate(output);
            assertThat(recording.closed).as("split at %d", split).isFalse();
        }
    }

    @Test
    void rfb37HasNoSecurityResultForNone() {
        RfbSession session = start("v37");

        session.onData(Buffer.buffer(concat(ascii("RFB 003.007\n"), bytes(1), bytes(0))));

        ByteBuffer output = ByteBuffer.wrap(transport.written());
        skip(output, 12);
        assertThat(new byte[] { output.get(), output.get() }).containsExactly(1, 1);
        assertServerInit(output, "v37");
    }

    @Test
    void oddVersionsAreTreatedAsTheNearestKnownOne() {
        RfbSession old = start("old");
        old.onData(Buffer.buffer(concat(ascii("RFB 003.005\n"), bytes(1))));
        ByteBuffer output = ByteBuffer.wrap(transport.written());
        skip(output, 12);
        assertThat(output.getInt()).as("3.3-style security type").isEqualTo(1);
        assertServerInit(output, "old");

        RecordingTransport apple = new RecordingTransport();
        RfbSession session = new RfbSession(apple, "apple");
        session.start();
        session.onData(Buffer.buffer(concat(ascii("RFB 003.889\n"), bytes(1, 1))));
        output = ByteBuffer.wrap(apple.written());
        skip(output, 14);
        assertThat(output.getInt()).as("3.8-style SecurityResult").isZero();
        assertServerInit(output, "apple");
    }

    @Test
    void unsupportedSecurityTypeIn37FailsWithoutReason() {
        RfbSession session = start("v37");

        session.onData(Buffer.buffer(concat(ascii("RFB 003.007\n"), bytes(2))));

        ByteBuffer output = ByteBuffer.wrap(transport.written());
        skip(output, 14);
        assertThat(output.getInt()).isEqualTo(1);
        assertThat(output.hasRemaining()).isFalse();
        assertThat(transport.ended).isTrue();
    }

    @Test
    void badInputClosesWithoutThrowing() {
        byte[][] badInputs = {
                ascii("GET / HTTP/1.1\r\n"),
                { 0x16, 0x03, 0x01 },
                ascii("RFB 004.000\n"),
                ascii("RFB 003.00x\n"),
                concat(HANDSHAKE_38, bytes(0x7F)),
                // SetPixelFormat asking for 24 bits per pixel, which RFB does not allow
                concat(HANDSHAKE_38, bytes(0, 0, 0, 0, 24, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0)),
        };
        for (byte[] bad : badInputs) {
            RecordingTransport recording = new RecordingTransport();
            RfbSession session = new RfbSession(recording, "bad");
            session.start();

            session.onData(Buffer.buffer(bad));
            int afterClose = recording.written().length;
            session.onData(Buffer.buffer(FULL_REQUEST));

            assertThat(recording.closed).as(new String(bad, StandardCharsets.ISO_8859_1)).isTrue();
            assertThat(recording.written()).as("nothing sent once closed").hasSize(afterClose);
        }
    }

    @Test
    void hugeCutTextIsSkippedAsItStreams() {
        RfbSession session = start("clip");
        session.onData(Buffer.buffer(HANDSHAKE_38));
        int length = 8 * 1024 * 1024;
        session.onData(Buffer.buffer(bytes(6, 0, 0, 0, 0, 0x80, 0, 0)));
        byte[] slice = new byte[64 * 1024];
        for (int sent = 0; sent < length; sent += slice.length) {
            session.onData(Buffer.buffer(slice));
        }
        int before = transport.written().length;

        session.onData(Buffer.buffer(FULL_REQUEST));

        ByteBuffer output = ByteBuffer.wrap(transport.written());
        skip(output, before);
        assertFullUpdate(output);
    }

    @Test
    void requestsAreClippedToTheScreen() {
        RfbSession session = start("clip");
        session.onData(Buffer.buffer(HANDSHAKE_38));
        int before = transport.written().length;

        // from (600, 470), 100 x 100: only 40 x 10 of it is on the screen
        session.onData(Buffer.buffer(bytes(3, 0, 2, 0x58, 1, 0xD6, 0, 100, 0, 100)));
        // wholly off the screen: an update with no rectangles
        session.onData(Buffer.buffer(bytes(3, 0, 0x10, 0, 0x10, 0, 0, 1, 0, 1)));

        ByteBuffer output = ByteBuffer.wrap(transport.written());
        skip(output, before);
        assertThat(output.get()).isZero();
        output.get();
        assertThat(output.getShort()).isEqualTo((short) 1);
        assertThat(new short[] { output.getShort(), output.getShort(), output.getShort(), output.getShort() })
                .containsExactly((short) 600, (short) 470, (short) 40, (short) 10);
        assertThat(output.getInt()).isZero();
        skip(output, 40 * 10 * 4);
        assertThat(new byte[] { output.get(), output.get(), output.get(), output.get() }).containsExactly(0, 0, 0, 0);
        assertThat(output.hasRemaining()).isFalse();
    }

    @Test
    void firstIncrementalRequestGetsPixelsAndLaterOnesWait() {
        RfbSession session = start("incremental");
        session.onData(Buffer.buffer(HANDSHAKE_38));
        int before = transport.written().length;
        byte[] incremental = FULL_REQUEST.clone();
        incremental[1] = 1;

        session.onData(Buffer.buffer(incremental));
        ByteBuffer output = ByteBuffer.wrap(transport.written());
        skip(output, before);
        assertFullUpdate(output);

        int afterFirst = transport.written().length;
        session.onData(Buffer.buffer(incremental));
        assertThat(transport.written()).hasSize(afterFirst);
    }

    @Test
    void colourMappedClientGetsTheMapAndIndexedPixels() {
        RfbSession session = start("palette");
        session.onData(Buffer.buffer(HANDSHAKE_38));
        int before = transport.written().length;

        session.onData(Buffer.buffer(bytes(0, 0, 0, 0, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        session.onData(Buffer.buffer(bytes(3, 0, 0, 0, 0, 0, 0, 2, 0, 1)));

        ByteBuffer output = ByteBuffer.wrap(transport.written());
        skip(output, before);
        assertThat(output.get()).as("SetColourMapEntries").isEqualTo((byte) 1);
        output.get();
        assertThat(output.getShort()).as("first colour").isZero();
        assertThat(output.getShort()).as("number of colours").isEqualTo((short) 256);
        skip(output, 255 * 6);
        assertThat(new short[] { output.getShort(), output.getShort(), output.getShort() }).as("entry 255 is white")
                .containsExactly((short) 0xFFFF, (short) 0xFFFF, (short) 0xFFFF);
        skip(output, 4 + 12);
        assertThat(new byte[] { output.get(), output.get() }).as("two white pixels at 8 bpp")
                .containsExactly(0xFF, 0xFF);
    }

    private RfbSession start(String vmName) {
        RfbSession session = new RfbSession(transport, vmName);
        session.start();
        return session;
    }

    private static void assertServerInit(ByteBuffer output, String name) {
        assertThat(output.getShort()).isEqualTo((short) 640);
        assertThat(output.getShort()).isEqualTo((short) 480);
        byte[] pixelFormat = new byte[16];
        output.get(pixelFormat);
        assertThat(pixelFormat).containsExactly(32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0);
        byte[] nameBytes = new byte[output.getInt()];
        output.get(nameBytes);
        assertThat(new String(nameBytes, StandardCharsets.UTF_8)).isEqualTo(name);
    }

    private static void assertFullUpdate(ByteBuffer output) {
        assertThat(output.get()).as("FramebufferUpdate").isZero();
        output.get();
        assertThat(output.getShort()).as("one rectangle").isEqualTo((short) 1);
        assertThat(new short[] { output.getShort(), output.getShort(), output.getShort(), output.getShort() })
                .containsExactly((short) 0, (short) 0, (short) 640, (short) 480);
        assertThat(output.getInt()).as("raw").isZero();
        assertThat(output.remaining()).isGreaterThanOrEqualTo(640 * 480 * 4);
        skip(output, 640 * 480 * 4);
    }

    private static void skip(ByteBuffer buffer, int count) {
        buffer.position(buffer.position() + count);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Keeps what the session writes and how it ended, in place of a socket. */
    private static final class RecordingTransport implements RfbTransport {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean ended;
        boolean closed;

        byte[] written() {
            return written.toByteArray();
        }

        @Override
        public void write(Buffer data) {
            written.writeBytes(data.getBytes());
        }

        @Override
        public void end(Buffer data) {
            write(data);
            ended = true;
            closed = true;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public String peer() {
            return "recording";
        }
    }
}
