package org.vmemperor.vm.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A WebSocket client written out by hand over a plain socket, for what java.net.http's cannot do: stop reading with
 * a small receive window (a slow client), and negotiate permessage-deflate (as browsers do). It reads server frames
 * only when asked, so what it has not read stays in the socket.
 */
public final class RawWebSocket implements Closeable {

    /** A whole message: text, or the close frame's code (text null). */
    public record Message(String text, int closeCode) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final boolean deflate;
    /** The server keeps its compression context across messages unless asked not to: one inflater for all. */
    private final Inflater inflater = new Inflater(true);

    private RawWebSocket(Socket socket, DataInputStream in, boolean deflate) {
        this.socket = socket;
        this.in = in;
        this.deflate = deflate;
    }

    /**
     * Opens {@code uri} (ws://) with the bearer token.
     *
     * @param receiveBuffer the socket's receive buffer in bytes, 0 for the system's
     * @param deflate whether to offer permessage-deflate; the answer must accept it
     */
    public static RawWebSocket open(URI uri, String token, int receiveBuffer, boolean deflate) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            // a read that gets nothing fails the test instead of hanging it
            socket.setSoTimeout(60_000);
            String request = "GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "")
                    + "Authorization: Bearer " + token + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            // the answer's head only, byte by byte: what follows is the stream, read when asked
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the handshake's answer ended early: " + head);
                }
                head.write(b);
            }
            String answer = head.toString(StandardCharsets.US_ASCII);
            if (!answer.startsWith("HTTP/1.1 101")) {
                throw new IOException("no upgrade: " + answer);
            }
            if (deflate && !answer.toLowerCase(Locale.ROOT).contains("permessage-deflate")) {
                throw new IOException("permessage-deflate was not accepted: " + answer);
            }
            return new RawWebSocket(socket, new DataInputStream(in), deflate);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The next whole message (continuation frames joined, inflated if it was compressed). */
    public Message read() throws IOException {
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        boolean compressed = false;
        boolean first = true;
        while (true) {
            int head = in.readUnsignedByte();
            int opcode = head & 0x0f;
            long length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            if (opcode == 0x8) {
                return new Message(null, ((payload[0] & 0xff) << 8) | (payload[1] & 0xff));
            }
            if (opcode == 0x9 || opcode == 0xa) {
                continue;
            }
            if (first) {
                compressed = (head & 0x40) != 0;
                first = false;
            }
            payloads.write(payload);
            if ((head & 0x80) != 0) {
                byte[] message = payloads.toByteArray();
                if (compressed) {
                    if (!deflate) {
                        throw new IOException("a compressed frame without permessage-deflate");
                    }
                    message = inflate(message);
                }
                return new Message(new String(message, StandardCharsets.UTF_8), 0);
            }
        }
    }

    private byte[] inflate(byte[] compressed) throws IOException {
        inflater.setInput(concat(compressed, new byte[] { 0, 0, (byte) 0xff, (byte) 0xff }));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[65_536];
        try {
            while (!inflater.needsInput()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.finished() || inflater.needsDictionary())) {
                    throw new IOException("the compressed message ended its stream");
                }
                out.write(chunk, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        socket.close();
    }
}
