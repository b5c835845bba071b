package org.vmemperor.console.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The pool's console without the relay: CONNECT with Basic root auth, as a reference for byte-for-byte checks. */
public final class DirectConsole implements RfbWire, AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    public DirectConsole(String location, String rootPassword) throws IOException {
        URI uri = URI.create(location);
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(30_000);
        String auth = Base64.getEncoder().encodeToString(("root:" + rootPassword).getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().write(("CONNECT " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.0\r\n"
                + "Authorization: Basic " + auth + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the console closed during CONNECT");
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.ISO_8859_1).matches("(?s)HTTP/1\\.[01] 200.*")) {
            throw new IOException("CONNECT refused: " + head);
        }
    }

    @Override
    public byte[] read(int length) {
        try {
            return in.readNBytes(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void write(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
