package org.vmemperor.simulator.console;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The server side of one RFB connection (RFC 6143), as an incremental parser: bytes arrive in chunks of any size,
 * are appended to a buffer, and each state consumes a message only once all of it is there.
 * <p>
 * Every method runs on the transport's event loop, so there is no locking. Any unexpected input, or a failure of our
 * own while handling it, closes the connection rather than escaping into Vert.x.
 */
final class RfbSession {

    private static final Logger LOG = Logger.getLogger(RfbSession.class);

    static final String SERVER_VERSION = "RFB 003.008\n";
    static final int VERSION_LENGTH = SERVER_VERSION.length();
    /**
     * How long an incremental update request waits before it is answered with an empty update. The pattern never
     * changes, so an immediate answer would only make the client ask again at once, a busy loop over the network.
     */
    static final long IDLE_UPDATE_DELAY_MS = 500;

    static final int SECURITY_NONE = 1;
    static final int SECURITY_RESULT_OK = 0;
    static final int SECURITY_RESULT_FAILED = 1;

    static final int SET_PIXEL_FORMAT = 0;
    static final int SET_ENCODINGS = 2;
    static final int FRAMEBUFFER_UPDATE_REQUEST = 3;
    static final int KEY_EVENT = 4;
    static final int POINTER_EVENT = 5;
    static final int CLIENT_CUT_TEXT = 6;

    static final int FRAMEBUFFER_UPDATE = 0;
    static final int SET_COLOUR_MAP_ENTRIES = 1;
    static final int RAW_ENCODING = 0;

    private static final Pattern CLIENT_VERSION = Pattern.compile("RFB (\\d{3})\\.(\\d{3})\n");
    private static final byte[] VERSION_PREFIX = "RFB ".getBytes(StandardCharsets.US_ASCII);
    private static final int UPDATE_HEADER_LENGTH = 4;
    private static final int RECTANGLE_HEADER_LENGTH = 12;

    private enum State {
        PROTOCOL_VERSION,
        SECURITY_TYPE,
        CLIENT_INIT,
        CLIENT_MESSAGES,
        /** Discarding the text of a ClientCutText as it streams in, so a huge clipboard is never buffered. */
        SKIPPING_CUT_TEXT,
        CLOSED
    }

    private final RfbTransport transport;
    private final String vmName;
    private final TestPattern pattern;

    private State state = State.PROTOCOL_VERSION;
    private Buffer input = Buffer.buffer();
    private int readPosition;
    private int minorVersion;
    private long cutTextRemaining;
    private PixelFormat pixelFormat = PixelFormat.SERVER_DEFAULT;
    /** Whether the client holds any pixels in its current format; until then an incremental request gets them all. */
    private boolean pixelsSent;
    private Vertx vertx;
    private long idleUpdateTimer = -1;

    RfbSession(RfbTransport transport, String vmName) {
        this.transport = transport;
        this.vmName = vmName == null ? "" : vmName;
        this.pattern = TestPattern.showing(this.vmName);
    }

    /** The server speaks first. */
    void start() {
        send(Buffer.buffer(SERVER_VERSION, StandardCharsets.US_ASCII.name()));
    }

    void onData(Buffer chunk) {
        if (state == State.CLOSED) {
            return;
        }
        rememberEventLoop();
        try {
            input.appendBuffer(chunk);
            while (state != State.CLOSED && step()) {
                // each step consumed one message or one slice of cut text; go on while whole messages remain
            }
            compactInput();
        } catch (RuntimeException e) {
            LOG.debugf(e, "Closing console of %s from %s: cannot handle its input", vmName, transport.peer());
            close();
        }
    }

    void onClosed() {
        if (state != State.CLOSED) {
            LOG.debugf("Console client %s of %s disconnected", transport.peer(), vmName);
        }
        state = State.CLOSED;
        cancelIdleUpdate();
        input = Buffer.buffer();
    }

    void onTransportError(Throwable error) {
        LOG.debugf(error, "Console connection %s of %s failed", transport.peer(), vmName);
        close();
    }

    void onDrained() {
        if (state != State.CLOSED) {
            transport.resume();
        }
    }

    private boolean step() {
        return switch (state) {
            case PROTOCOL_VERSION -> readProtocolVersion();
            case SECURITY_TYPE -> readSecurityType();
            case CLIENT_INIT -> readClientInit();
            case CLIENT_MESSAGES -> readClientMessage();
            case SKIPPING_CUT_TEXT -> skipCutText();
            case CLOSED -> false;
        };
    }

    private boolean readProtocolVersion() {
        // fail fast on something that is not RFB at all (an HTTP request, TLS), instead of waiting for 12 bytes
        for (int i = 0; i < Math.min(available(), VERSION_PREFIX.length); i++) {
            if (input.getByte(readPosition + i) != VERSION_PREFIX[i]) {
                return reject("not an RFB client");
            }
        }
        if (available() < VERSION_LENGTH) {
            return false;
        }
        String version = input.getString(readPosition, readPosition + VERSION_LENGTH, StandardCharsets.US_ASCII.name());
        readPosition += VERSION_LENGTH;
        Matcher matcher = CLIENT_VERSION.matcher(version);
        if (!matcher.matches() || Integer.parseInt(matcher.group(1)) != 3) {
            return reject("unsupported protocol version");
        }
        int minor = Integer.parseInt(matcher.group(2));
        if (minor < 7) {
            // RFC 6143 7.1.1: anything below 3.7 (old clients also say 3.4, 3.5, 3.6) is to be treated as 3.3,
            // where the server alone picks the security type
            minorVersion = 3;
            send(Buffer.buffer().appendInt(SECURITY_NONE));
            state = State.CLIENT_INIT;
        } else {
            // and anything above 3.8 (Apple's 3.889) as 3.8
            minorVersion = Math.min(minor, 8);
            send(Buffer.buffer().appendUnsignedByte((short) 1).appendUnsignedByte((short) SECURITY_NONE));
            state = State.SECURITY_TYPE;
        }
        return true;
    }

    private boolean readSecurityType() {
        if (available() < 1) {
            return false;
        }
        int chosen = input.getUnsignedByte(readPosition);
        readPosition += 1;
        if (chosen != SECURITY_NONE) {
            Buffer failure = Buffer.buffer().appendInt(SECURITY_RESULT_FAILED);
            if (minorVersion >= 8) {
                // only 3.8 carries a reason string after a failed SecurityResult
                byte[] reason = ("Security type " + chosen + " is not offered").getBytes(StandardCharsets.UTF_8);
                failure.appendInt(reason.length).appendBytes(reason);
            }
            LOG.debugf("Console client %s of %s chose unsupported security type %d", transport.peer(), vmName, chosen);
            endWith(failure);
            return false;
        }
        if (minorVersion >= 8) {
            // 3.7 sends no SecurityResult for None (RFC 6143 7.2.1); 3.8 always does
            send(Buffer.buffer().appendInt(SECURITY_RESULT_OK));
        }
        state = State.CLIENT_INIT;
        return true;
    }

    private boolean readClientInit() {
        if (available() < 1) {
            return false;
        }
        // the shared flag does not matter: every client gets its own copy of the same unchanging pattern
        readPosition += 1;
        byte[] name = vmName.getBytes(StandardCharsets.UTF_8);
        Buffer serverInit = Buffer.buffer(4 + PixelFormat.WIRE_LENGTH + 4 + name.length)
                .appendUnsignedShort(TestPattern.WIDTH)
                .appendUnsignedShort(TestPattern.HEIGHT);
        PixelFormat.SERVER_DEFAULT.appendTo(serverInit);
        serverInit.appendInt(name.length).appendBytes(name);
        send(serverInit);
        state = State.CLIENT_MESSAGES;
        LOG.debugf("Console client %s attached to %s with RFB 3.%d", transport.peer(), vmName, minorVersion);
        return true;
    }

    private boolean readClientMessage() {
        if (available() < 1) {
            return false;
        }
        int type = input.getUnsignedByte(readPosition);
        switch (type) {
            case SET_PIXEL_FORMAT -> {
                if (available() < 4 + PixelFormat.WIRE_LENGTH) {
                    return false;
                }
                PixelFormat requested = PixelFormat.read(input, readPosition + 4);
                readPosition += 4 + PixelFormat.WIRE_LENGTH;
                return applyPixelFormat(requested);
            }
            case SET_ENCODINGS -> {
                if (available() < 4) {
                    return false;
                }
                int count = input.getUnsignedShort(readPosition + 2);
                if (available() < 4 + 4 * count) {
                    return false;
                }
                // raw is always allowed (RFC 6143 7.5.2), so the list never changes what we send
                LOG.tracef("Console client %s offers %d encodings", transport.peer(), count);
                readPosition += 4 + 4 * count;
                return true;
            }
            case FRAMEBUFFER_UPDATE_REQUEST -> {
                if (available() < 10) {
                    return false;
                }
                boolean incremental = input.getUnsignedByte(readPosition + 1) != 0;
                int x = input.getUnsignedShort(readPosition + 2);
                int y = input.getUnsignedShort(readPosition + 4);
                int width = input.getUnsignedShort(readPosition + 6);
                int height = input.getUnsignedShort(readPosition + 8);
                readPosition += 10;
                answerUpdateRequest(incremental, x, y, width, height);
                return true;
            }
            case KEY_EVENT -> {
                return skipFixed(8);
            }
            case POINTER_EVENT -> {
                return skipFixed(6);
            }
            case CLIENT_CUT_TEXT -> {
                if (available() < 8) {
                    return false;
                }
                cutTextRemaining = input.getUnsignedInt(readPosition + 4);
                readPosition += 8;
                state = State.SKIPPING_CUT_TEXT;
                return true;
            }
            default -> {
                // the length of an unknown message is unknown, so the stream cannot be followed past it
                return reject("unknown client message type " + type);
            }
        }
    }

    private boolean skipFixed(int length) {
        if (available() < length) {
            return false;
        }
        readPosition += length;
        return true;
    }

    private boolean skipCutText() {
        int skipped = (int) Math.min(available(), cutTextRemaining);
        readPosition += skipped;
        cutTextRemaining -= skipped;
        if (cutTextRemaining == 0) {
            state = State.CLIENT_MESSAGES;
            return true;
        }
        return false;
    }

    private boolean applyPixelFormat(PixelFormat requested) {
        if (!requested.isEncodable()) {
            return reject("unsupported bits per pixel " + requested.bitsPerPixel());
        }
        pixelFormat = requested;
        // pixels already sent are in the old format; the next request must be answered in full
        pixelsSent = false;
        if (!requested.trueColour()) {
            // a colour-mapped client has no colours until the server sends them (RFC 6143 7.6.2)
            send(colourMap());
        }
        return true;
    }

    private void answerUpdateRequest(boolean incremental, int x, int y, int width, int height) {
        if (incremental && pixelsSent) {
            scheduleIdleUpdate();
            return;
        }
        // this update answers every outstanding request, a pending idle one included
        cancelIdleUpdate();
        send(framebufferUpdate(x, y, width, height));
    }

    private Buffer framebufferUpdate(int x, int y, int width, int height) {
        // the client may ask for any area; only the part on the screen can be drawn
        int left = Math.min(x, TestPattern.WIDTH);
        int top = Math.min(y, TestPattern.HEIGHT);
        int clippedWidth = Math.min(x + width, TestPattern.WIDTH) - left;
        int clippedHeight = Math.min(y + height, TestPattern.HEIGHT) - top;
        if (clippedWidth <= 0 || clippedHeight <= 0) {
            return emptyUpdate();
        }
        int pixelBytes = clippedWidth * clippedHeight * pixelFormat.bytesPerPixel();
        byte[] message = new byte[UPDATE_HEADER_LENGTH + RECTANGLE_HEADER_LENGTH + pixelBytes];
        ByteBuffer.wrap(message)
                .put((byte) FRAMEBUFFER_UPDATE)
                .put((byte) 0)
                .putShort((short) 1)
                .putShort((short) left)
                .putShort((short) top)
                .putShort((short) clippedWidth)
                .putShort((short) clippedHeight)
                .putInt(RAW_ENCODING);
        pattern.encode(pixelFormat, left, top, clippedWidth, clippedHeight, message,
                UPDATE_HEADER_LENGTH + RECTANGLE_HEADER_LENGTH);
        pixelsSent = true;
        return Buffer.buffer(message);
    }

    private static Buffer emptyUpdate() {
        return Buffer.buffer(UPDATE_HEADER_LENGTH)
                .appendUnsignedByte((short) FRAMEBUFFER_UPDATE)
                .appendUnsignedByte((short) 0)
                .appendUnsignedShort(0);
    }

    private static Buffer colourMap() {
        Buffer message = Buffer.buffer(6 + 6 * PixelFormat.COLOUR_MAP_SIZE)
                .appendUnsignedByte((short) SET_COLOUR_MAP_ENTRIES)
                .appendUnsignedByte((short) 0)
                .appendUnsignedShort(0)
                .appendUnsignedShort(PixelFormat.COLOUR_MAP_SIZE);
        for (int index = 0; index < PixelFormat.COLOUR_MAP_SIZE; index++) {
            for (int channel : PixelFormat.colourMapEntry(index)) {
                message.appendUnsignedShort(channel);
            }
        }
        return message;
    }

    private void scheduleIdleUpdate() {
        if (idleUpdateTimer >= 0) {
            // one update answers all outstanding requests, so a second timer would only add an unrequested update
            return;
        }
        if (vertx == null) {
            // not called on a Vert.x context, so there is no timer to use; RFC 6143 lets a server hold an
            // incremental request until something changes, which here is never
            return;
        }
        idleUpdateTimer = vertx.setTimer(IDLE_UPDATE_DELAY_MS, id -> {
            idleUpdateTimer = -1;
            if (state != State.CLOSED) {
                send(emptyUpdate());
            }
        });
    }

    private void cancelIdleUpdate() {
        if (idleUpdateTimer >= 0 && vertx != null) {
            vertx.cancelTimer(idleUpdateTimer);
        }
        idleUpdateTimer = -1;
    }

    private void rememberEventLoop() {
        if (vertx == null) {
            // handlers run on the connection's context; a timer set from here fires back on it
            Context context = Vertx.currentContext();
            if (context != null) {
                vertx = context.owner();
            }
        }
    }

    private int available() {
        return input.length() - readPosition;
    }

    private void compactInput() {
        if (readPosition == 0) {
            return;
        }
        input = readPosition >= input.length() ? Buffer.buffer() : input.getBuffer(readPosition, input.length());
        readPosition = 0;
    }

    private boolean reject(String why) {
        LOG.debugf("Closing console of %s from %s: %s", vmName, transport.peer(), why);
        close();
        return false;
    }

    private void send(Buffer message) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            transport.write(message);
            if (transport.writeQueueFull()) {
                transport.pause();
            }
        } catch (RuntimeException e) {
            // the peer went away between our read and this write; the close handler may not have run yet
            LOG.debugf(e, "Console connection %s of %s is no longer writable", transport.peer(), vmName);
            close();
        }
    }

    private void endWith(Buffer message) {
        state = State.CLOSED;
        cancelIdleUpdate();
        try {
            transport.end(message);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Console connection %s of %s was already gone", transport.peer(), vmName);
        }
    }

    private void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancelIdleUpdate();
        input = Buffer.buffer();
        readPosition = 0;
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.debugf(e, "Console connection %s of %s was already closed", transport.peer(), vmName);
        }
    }
}
