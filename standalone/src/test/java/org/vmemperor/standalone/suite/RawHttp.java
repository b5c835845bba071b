package org.vmemperor.standalone.suite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client on a bare socket, one connection per request ({@code Connection: close}), so a test can send what
 * a well-behaved client library refuses to: malformed percent-encoding, invalid UTF-8, huge or lying headers,
 * chunked bodies. A request that gets no complete answer within the timeout fails as a hang.
 */
public final class RawHttp {

    /** Longer than any configured server-side timeout a bad request could legitimately wait for. */
    public static final int TIMEOUT_MILLIS = 30_000;

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /** One answer; {@code headers} keys are lower case. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A request whose answer never came complete within {@link #TIMEOUT_MILLIS}. */
    public static final class Hang extends IOException {
        Hang(String request, Throwable cause) {
            super("no answer within " + TIMEOUT_MILLIS + " ms: " + request, cause);
        }
    }

    /**
     * Sends {@code method target}, the extra header lines, and the body (with {@code Content-Length} unless the
     * headers already say how the body is framed).
     */
    public Answer send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        write(head, method + " " + target + " HTTP/1.1\r\n");
        write(head, "Host: 127.0.0.1:" + port + "\r\n");
        write(head, "Connection: close\r\n");
        boolean framed = false;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            framed |= name.equals("content-length") || name.equals("transfer-encoding");
            write(head, header.getKey() + ": " + header.getValue() + "\r\n");
        }
        if (!framed && body != null) {
            write(head, "Content-Length: " + body.length + "\r\n");
        }
        write(head, "\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toByteArray());
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // the server may answer (413) and close before the whole body is sent: read what it answered
            }
            return read(socket.getInputStream(), method);
        } catch (SocketTimeoutException e) {
            throw new Hang(method + " " + abbreviate(target), e);
        }
    }

    private static Answer read(InputStream in, String method) throws IOException {
        byte[] all = in.readAllBytes();
        int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (end < 0) {
            throw new IOException("no complete HTTP answer (" + all.length + " bytes)");
        }
        String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        byte[] rest = Arrays.copyOfRange(all, end + 4, all.length);
        if (method.equals("HEAD")) {
            return new Answer(status, headers, new byte[0]);
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            if (rest.length < length) {
                throw new IOException("answer body cut short: " + rest.length + " of " + length + " bytes");
            }
            rest = Arrays.copyOf(rest, length);
        }
        return new Answer(status, headers, rest);
    }

    private static byte[] dechunk(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOf(Arrays.copyOfRange(data, at, data.length),
                    "\r\n".getBytes(StandardCharsets.US_ASCII));
            if (lineEnd < 0) {
                throw new IOException("chunked answer cut short");
            }
            String size = new String(data, at, lineEnd, StandardCharsets.US_ASCII).split(";", 2)[0].trim();
            int length = Integer.parseInt(size, 16);
            at += lineEnd + 2;
            if (length == 0) {
                return out.toByteArray();
            }
            if (at + length > data.length) {
                throw new IOException("chunked answer cut short");
            }
            out.write(data, at, length);
            at += length + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer: for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static String abbreviate(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "...(" + text.length() + " chars)" : text;
    }
}
