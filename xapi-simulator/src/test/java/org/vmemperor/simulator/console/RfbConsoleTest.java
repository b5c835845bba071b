package org.vmemperor.simulator.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;

/**
 * RFB over real connections: a Vert.x NetServer for the raw socket, and an HttpServer for the two ways the XenAPI
 * console URL is reached (CONNECT, then raw bytes; a WebSocket upgrade with subprotocol "binary").
 */
class RfbConsoleTest {

    private static final String RAW_VM = "web-01 (Debian 12)";
    /** Full-screen raw update at the server's 32 bpp. */
    private static final int FULL_SCREEN_BYTES = TestPattern.WIDTH * TestPattern.HEIGHT * 4;
    private static final byte[] SERVER_PIXEL_FORMAT = { 32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255,
            16, 8, 0, 0, 0, 0 };

    private static Vertx vertx;
    private static NetServer netServer;
    private static HttpServer httpServer;
    /** Whatever escapes a handler lands here; the console must never let anything through. */
    private static final Queue<Throwable> unhandled = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startServers() throws Exception {
        vertx = Vertx.vertx();
        vertx.exceptionHandler(unhandled::add);
        netServer = vertx.createNetServer()
                .connectHandler(socket -> RfbConsole.serve(socket, RAW_VM))
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        httpServer = vertx.createHttpServer(new HttpServerOptions().setWebSocketSubProtocols(List.of("binary")))
                .requestHandler(request -> {
                    if (request.method() == HttpMethod.CONNECT) {
                        String vm = request.getParam("vm");
                        request.toNetSocket().onSuccess(socket -> RfbConsole.serve(socket, vm));
                    } else {
                        request.response().setStatusCode(404).end();
                    }
                })
                .webSocketHandler(ws -> RfbConsole.serve(ws, vmFromQuery(ws.query())))
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServers() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void nothingEscaped() {
        assertThat(unhandled).isEmpty();
    }

    @Test
    void rfb38OverRawSocketGivesServerInitAndFullScreen() throws IOException {
        try (RfbTestClient client = RfbTestClient.over(rawSocket())) {
            RfbTestClient.ServerInit init = client.handshake38();

            assertThat(init.width()).isEqualTo(640);
            assertThat(init.height()).isEqualTo(480);
            assertThat(init.pixelFormat()).containsExactly(SERVER_PIXEL_FORMAT);
            assertThat(init.name()).isEqualTo(RAW_VM);

            byte[] pixels = client.fetch(0, 0, 640, 480);
            assertThat(pixels).hasSize(FULL_SCREEN_BYTES);
            assertThat(distinctPixels(pixels)).as("a pattern, not a blank screen").hasSizeGreaterThan(10);
            // little-endian 32 bpp with shifts 16/8/0 puts blue, green, red in bytes 0, 1, 2
            assertThat(pixelAt(pixels, 640, 0, 0)).isEqualTo(TestPattern.WHITE);
            assertThat(pixelAt(pixels, 640, 100, 10)).as("second bar").isEqualTo(0xFFFF00);
            assertThat(pixelAt(pixels, 640, 639, 299)).as("last bar").isEqualTo(0x0000FF);
        }
    }

    @Test
    void rfb33AfterHttpConnect() throws IOException {
        try (Socket socket = httpConnect("db-02")) {
            RfbTestClient client = RfbTestClient.over(socket);
            RfbTestClient.ServerInit init = client.handshake33();

            assertThat(init.width()).isEqualTo(640);
            assertThat(init.height()).isEqualTo(480);
            assertThat(init.name()).isEqualTo("db-02");
            assertThat(client.fetch(0, 0, 640, 480)).hasSize(FULL_SCREEN_BYTES);
            // a partial request gets back exactly its rectangle
            assertThat(client.fetch(10, 20, 100, 50)).hasSize(100 * 50 * 4);
        }
    }

    @Test
    void nameAreaShowsWhichVm() throws IOException {
        byte[] alpha = nameBand("alpha");
        byte[] beta = nameBand("beta");
        byte[] alphaAgain = nameBand("alpha");

        assertThat(alpha).isNotEqualTo(beta);
        assertThat(alpha).isEqualTo(alphaAgain);
        assertThat(distinctPixels(alpha)).as("white letters on black").containsExactlyInAnyOrder(
                TestPattern.WHITE, TestPattern.BLACK);
    }

    @Test
    void rfb38OverWebSocketWithBinarySubprotocol() throws Exception {
        try (WebSocketPipe pipe = WebSocketPipe.connect(webSocketUri("app-03"))) {
            assertThat(pipe.subprotocol()).isEqualTo("binary");
            RfbTestClient client = RfbTestClient.over(pipe);

            RfbTestClient.ServerInit init = client.handshake38();
            assertThat(init.width()).isEqualTo(640);
            assertThat(init.height()).isEqualTo(480);
            assertThat(init.pixelFormat()).containsExactly(SERVER_PIXEL_FORMAT);
            assertThat(init.name()).isEqualTo("app-03");

            byte[] pixels = client.fetch(0, 0, 640, 480);
            assertThat(pixels).hasSize(FULL_SCREEN_BYTES);
            assertThat(distinctPixels(pixels)).hasSizeGreaterThan(10);
        }
    }

    @Test
    void webSocketNameAreaMatchesRawSocketOne() throws Exception {
        byte[] overConnect = nameBand("alpha");
        try (WebSocketPipe pipe = WebSocketPipe.connect(webSocketUri("alpha"))) {
            RfbTestClient client = RfbTestClient.over(pipe);
            client.handshake38();
            assertThat(client.fetch(0, TestPattern.NAME_BAND_Y, 640, TestPattern.NAME_BAND_HEIGHT))
                    .isEqualTo(overConnect);
        }
    }

    @Test
    void incrementalRequestIsAnsweredLaterAndOnlyOnce() throws IOException {
        try (Socket socket = rawSocket()) {
            RfbTestClient client = RfbTestClient.over(socket);
            client.handshake38();
            client.fetch(0, 0, 640, 480);

            long asked = System.nanoTime();
            client.requestUpdate(true, 0, 0, 640, 480);
            client.readUpdate(4);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
            assertThat(waitedMillis).as("an unchanged screen is not re-sent at once")
                    .isGreaterThanOrEqualTo(RfbSession.IDLE_UPDATE_DELAY_MS / 2);

            // with no request outstanding, the server stays quiet
            socket.setSoTimeout((int) (2 * RfbSession.IDLE_UPDATE_DELAY_MS));
            InputStream in = socket.getInputStream();
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void setPixelFormatAndInputEventsAreParsedOverTheWire() throws IOException {
        try (RfbTestClient client = RfbTestClient.over(rawSocket())) {
            client.handshake38();
            // SetEncodings (raw, CopyRect, DesktopSize), KeyEvent, PointerEvent, ClientCutText "hello"
            client.send(2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0x21);
            client.send(4, 1, 0, 0, 0, 0, 0xFF, 0x0D);
            client.send(5, 1, 0, 10, 0, 20);
            client.send(6, 0, 0, 0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o');
            // SetPixelFormat RGB565 big-endian
            client.send(0, 0, 0, 0, 16, 16, 1, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0);

            client.requestUpdate(false, 0, 0, 640, 480);
            List<RfbTestClient.Rectangle> update = client.readUpdate(2);
            byte[] pixels = update.get(0).pixels();
            assertThat(pixels).hasSize(640 * 480 * 2);
            assertThat(pixels[0] & 0xFF).isEqualTo(0xFF);
            assertThat(pixels[1] & 0xFF).isEqualTo(0xFF);
            // yellow in RGB565 is 0xFFE0, big-endian
            assertThat(pixels[2 * 100] & 0xFF).isEqualTo(0xFF);
            assertThat(pixels[2 * 100 + 1] & 0xFF).isEqualTo(0xE0);
        }
    }

    @Test
    void garbageInsteadOfVersionClosesTheConnection() throws IOException {
        try (RfbTestClient client = RfbTestClient.over(rawSocket())) {
            assertThat(client.readServerVersion()).isEqualTo("RFB 003.008\n");
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.serverCloses()).isTrue();
        }
    }

    @Test
    void unknownMessageClosesTheConnection() throws IOException {
        try (RfbTestClient client = RfbTestClient.over(rawSocket())) {
            client.handshake38();
            client.send(0x7F, 1, 2, 3, 4, 5, 6, 7);
            assertThat(client.serverCloses()).isTrue();
        }
    }

    @Test
    void unsupportedSecurityTypeGetsReasonThenClose() throws IOException {
        try (RfbTestClient client = RfbTestClient.over(rawSocket())) {
            client.readServerVersion();
            client.send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readBytes(2)).containsExactly(1, 1);
            client.send(2);
            assertThat(client.readInt()).as("SecurityResult failed").isEqualTo(1);
            String reason = new String(client.readBytes(client.readInt()), StandardCharsets.UTF_8);
            assertThat(reason).isNotBlank();
            assertThat(client.serverCloses()).isTrue();
        }
    }

    @Test
    void garbageOverWebSocketClosesIt() throws Exception {
        try (WebSocketPipe pipe = WebSocketPipe.connect(webSocketUri("app-03"))) {
            RfbTestClient client = RfbTestClient.over(pipe);
            client.readServerVersion();
            client.send(0x16, 0x03, 0x01, 0x02, 0x00);
            assertThat(pipe.closeStatus().get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @Test
    void clientLeavingWhileAnUpdateIsPendingIsHarmless() throws IOException {
        try (RfbTestClient client = RfbTestClient.over(rawSocket())) {
            client.handshake38();
            client.fetch(0, 0, 640, 480);
            client.requestUpdate(true, 0, 0, 640, 480);
        }
        // the delayed answer fires after the socket is gone; it must not surface as an error
        await().during(Duration.ofMillis(RfbSession.IDLE_UPDATE_DELAY_MS + 300))
                .atMost(Duration.ofSeconds(5))
                .until(unhandled::isEmpty);
    }

    private static byte[] nameBand(String vm) throws IOException {
        try (Socket socket = httpConnect(vm)) {
            RfbTestClient client = RfbTestClient.over(socket);
            assertThat(client.handshake38().name()).isEqualTo(vm);
            return client.fetch(0, TestPattern.NAME_BAND_Y, 640, TestPattern.NAME_BAND_HEIGHT);
        }
    }

    private static Socket rawSocket() throws IOException {
        return new Socket("127.0.0.1", netServer.actualPort());
    }

    /** Does what a XenAPI console client does first: CONNECT to the console URL and wait for 200. */
    private static Socket httpConnect(String vm) throws IOException {
        Socket socket = new Socket("127.0.0.1", httpServer.actualPort());
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("CONNECT /console?vm=" + vm + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // read the response head byte by byte so that no RFB byte after it is consumed
        StringBuilder head = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("response head complete").isNotNegative();
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200");
        return socket;
    }

    private static URI webSocketUri(String vm) {
        return URI.create("ws://127.0.0.1:" + httpServer.actualPort() + "/console?vm=" + vm);
    }

    private static String vmFromQuery(String query) {
        if (query == null) {
            return null;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("vm=")) {
                return URLDecoder.decode(parameter.substring(3), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The 0xRRGGBB value of a pixel in the server's default little-endian 32 bpp format. */
    private static int pixelAt(byte[] pixels, int width, int x, int y) {
        int offset = (y * width + x) * 4;
        return ((pixels[offset + 2] & 0xFF) << 16) | ((pixels[offset + 1] & 0xFF) << 8) | (pixels[offset] & 0xFF);
    }

    private static Set<Integer> distinctPixels(byte[] pixels) {
        Set<Integer> colours = new HashSet<>();
        for (int offset = 0; offset < pixels.length; offset += 4) {
            colours.add(((pixels[offset + 2] & 0xFF) << 16) | ((pixels[offset + 1] & 0xFF) << 8)
                    | (pixels[offset] & 0xFF));
        }
        return colours;
    }
}
