package org.vmemperor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.vmemperor.console.testing.Users.as;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.console.testing.ConsoleClient;
import org.vmemperor.console.testing.DirectConsole;
import org.vmemperor.console.testing.RfbWire;
import org.vmemperor.console.testing.TestVms;
import org.vmemperor.console.testing.Users;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * POST /vnc and the /console relay against the simulator's RFB console, with the JDK's WebSocket client: bytes pass
 * unchanged, every refusal closes with its code and reason, the VM stopping closes the console, a client that does not
 * read makes the relay stop reading.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class ConsoleRelayTest {

    /** Generous: the test machine is shared and often loaded. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern URL = Pattern.compile("^ws://[^/]+/console\\?secret=([A-Za-z0-9_-]{43})$");

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    DataSource dataSource;
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("/")
    URI base;

    Users users;
    TestVms vms;

    @BeforeEach
    void setUp() {
        users = new Users(signer, rights);
        vms = new TestVms(simulator);
    }

    /** A running VM on which {@code user} holds launch, once the service's cache shows it running. */
    private String launchableRunningVm(String user, String token) {
        String uuid = vms.running(user + "-console-vm");
        users.grant(uuid, user, Action.LAUNCH);
        await().atMost(WAIT)
                .until(() -> as(token).body(Map.of("uuid", uuid)).post("/vnc").statusCode() == 200);
        return uuid;
    }

    private static String consoleUrl(String token, String uuid) {
        return as(token).body(Map.of("uuid", uuid)).post("/vnc").then().statusCode(200).extract().asString();
    }

    /** The URL as seen from the test: the host the client used is what the answer carries. */
    private String reachable(String url) {
        Matcher matcher = URL.matcher(url);
        assertThat(matcher.matches()).as(url).isTrue();
        return "ws://" + base.getHost() + ":" + base.getPort() + "/console?secret=" + matcher.group(1);
    }

    @Test
    void vncAnswersTheUrlAsPlainTextByDefaultJsonWhenAskedAndFollowsForwardedHeaders() {
        String token = users.token("vera");
        String uuid = launchableRunningVm("vera", token);

        as(token).body(Map.of("uuid", uuid)).post("/vnc").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(matchesPattern("^ws://localhost:" + base.getPort() + "/console\\?secret=[A-Za-z0-9_-]{43}$"));
        as(token).accept("application/json").body(Map.of("uuid", uuid)).post("/vnc").then().statusCode(200)
                .contentType(containsString("application/json"))
                .body("url", matchesPattern("^ws://localhost:\\d+/console\\?secret=[A-Za-z0-9_-]{43}$"));
        as(token).header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "console.example:8443")
                .body(Map.of("uuid", uuid)).post("/vnc").then().statusCode(200)
                .body(matchesPattern("^wss://console\\.example:8443/console\\?secret=[A-Za-z0-9_-]{43}$"));
        // two asks, two different secrets
        assertThat(consoleUrl(token, uuid)).isNotEqualTo(consoleUrl(token, uuid));
    }

    @Test
    void theConsolePageAnswersABrowserWithAPageAndAnyOtherClientWithTheJsonErrorBody() {
        String token = users.token("xena");
        String notMine = vms.running("not-xenas");
        String browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

        RestAssured.given().accept(browserAccept).get("/console.html?uuid=" + notMine).then().statusCode(401)
                .contentType(containsString("text/html")).body(containsString("not logged in"));
        RestAssured.given().get("/console.html?uuid=" + notMine).then().statusCode(401)
                .contentType(containsString("application/json")).body("message", org.hamcrest.Matchers.is(
                        "not authorized"));
        await().atMost(WAIT).until(() -> as(token).get("/console.html?uuid=" + notMine).statusCode() == 403);
        as(token).get("/console.html?uuid=" + notMine).then().statusCode(403)
                .contentType(containsString("application/json"))
                .body("status", org.hamcrest.Matchers.is("access denied"));
        as(token).accept(browserAccept).get("/console.html?uuid=" + notMine).then().statusCode(403)
                .contentType(containsString("text/html")).body(containsString("Access denied"));
        as(token).get("/console.html").then().statusCode(400).contentType(containsString("application/json"))
                .body("message", org.hamcrest.Matchers.is("uuid is required"));
    }

    @Test
    void vncRefusesWithoutSessionRightRunningVmOrKnownUuid() {
        String token = users.token("walt");
        String running = launchableRunningVm("walt", token);
        String notMine = vms.running("not-walts");
        String halted = vms.halted("walts-halted");
        users.grant(halted, "walt", Action.LAUNCH);

        RestAssured.given().contentType("application/json").body(Map.of("uuid", running)).post("/vnc").then()
                .statusCode(401).body("status", org.hamcrest.Matchers.is("error"));
        await().atMost(WAIT)
                .until(() -> as(token).body(Map.of("uuid", notMine)).post("/vnc").statusCode() == 403);
        as(token).body(Map.of("uuid", notMine)).post("/vnc").then().statusCode(403)
                .body("status", org.hamcrest.Matchers.is("access denied"));
        await().atMost(WAIT)
                .until(() -> as(token).body(Map.of("uuid", halted)).post("/vnc").statusCode() == 400);
        as(token).body(Map.of("uuid", halted)).post("/vnc").then().statusCode(400)
                .body("message", containsString("not running (halted)"));
        assertThat(vms.record(halted).get("power_state")).as("the console never starts a VM").isEqualTo("Halted");
        as(token).body(Map.of("uuid", "00000000-0000-0000-0000-000000000000")).post("/vnc").then().statusCode(400)
                .body("details[0]", org.hamcrest.Matchers.is("UUID_INVALID"));
        as(token).body(Map.of()).post("/vnc").then().statusCode(400).body("status", org.hamcrest.Matchers.is("bad request"));
        as(token).body("{not json").post("/vnc").then().statusCode(400);
    }

    @Test
    void relayPassesTheRfbHandshakeAndAFramebufferUpdateThroughByteForByte() throws Exception {
        String token = users.token("xena");
        String uuid = launchableRunningVm("xena", token);
        String url = reachable(consoleUrl(token, uuid));

        ConsoleClient client = ConsoleClient.open(url);
        assertThat(client.subprotocol()).isEqualTo("binary");
        byte[] relayed = RfbWire.handshakeAndFullUpdate(client);
        byte[] direct;
        try (DirectConsole console = new DirectConsole(vms.consoleLocation(uuid), PoolTestResource.ROOT_PASSWORD)) {
            direct = RfbWire.handshakeAndFullUpdate(console);
        }
        assertThat(relayed).hasSize(direct.length).isEqualTo(direct);
        assertThat(new String(relayed, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
        assertThat(new String(relayed, 12 + 2 + 4 + 24, "xena-console-vm".length(), StandardCharsets.US_ASCII))
                .as("the desktop name is the VM's").isEqualTo("xena-console-vm");
        // the test pattern: a white bar on the left, a red one second from the right (32 bpp little endian: B G R x)
        int pixels = relayed.length - 640 * 480 * 4;
        assertThat(pixel(relayed, pixels, 10, 10)).isEqualTo(0xFFFFFF);
        assertThat(pixel(relayed, pixels, 640 * 5 / 7 + 10, 10)).isEqualTo(0xFF0000);

        client.close();
        assertThat(client.awaitClose().code()).isEqualTo(1000);

        ConsoleClient again = ConsoleClient.open(url);
        assertThat(again.awaitClose()).isEqualTo(new ConsoleClient.Close(4401, "console secret already used"));
    }

    private static int pixel(byte[] frame, int offset, int x, int y) {
        int at = offset + (y * 640 + x) * 4;
        return (frame[at + 2] & 0xFF) << 16 | (frame[at + 1] & 0xFF) << 8 | (frame[at] & 0xFF);
    }

    @Test
    void unknownMissingAndExpiredSecretsAreRefusedWithTheirReason() throws Exception {
        String token = users.token("yuri");
        String uuid = launchableRunningVm("yuri", token);
        String ws = "ws://" + base.getHost() + ":" + base.getPort() + "/console";

        assertThat(ConsoleClient.open(ws + "?secret=" + "A".repeat(43)).awaitClose())
                .isEqualTo(new ConsoleClient.Close(4401, "unknown console secret"));
        assertThat(ConsoleClient.open(ws).awaitClose().code()).isEqualTo(4401);

        String url = reachable(consoleUrl(token, uuid));
        String secret = url.substring(url.indexOf("secret=") + 7);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement expire = connection.prepareStatement(
                        "UPDATE console_ticket SET expires = now() - interval '1 second' WHERE secret_sha256 = ?")) {
            expire.setString(1, HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII))));
            assertThat(expire.executeUpdate()).as("only the hash is stored").isEqualTo(1);
        }
        assertThat(ConsoleClient.open(url).awaitClose()).isEqualTo(new ConsoleClient.Close(4401, "console secret expired"));
    }

    @Test
    void aSecretIsBoundToItsUser() throws Exception {
        String alice = users.token("alice");
        String bob = users.token("bob");
        String uuid = launchableRunningVm("alice", alice);

        ConsoleClient withBobsSession = ConsoleClient.open(reachable(consoleUrl(alice, uuid)), "Authorization",
                "Bearer " + bob);
        assertThat(withBobsSession.awaitClose())
                .isEqualTo(new ConsoleClient.Close(4403, "this console secret belongs to another user"));

        // alice's own browser sends her cookie along: that is fine
        ConsoleClient withAlicesCookie = ConsoleClient.open(reachable(consoleUrl(alice, uuid)), "Cookie",
                "vmemperor_session=" + alice);
        assertThat(new String(withAlicesCookie.read(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
        withAlicesCookie.close();
    }

    @Test
    void aVmHaltedAfterTheSecretWasIssuedIsRefused() throws Exception {
        String token = users.token("hank");
        String uuid = launchableRunningVm("hank", token);
        String url = reachable(consoleUrl(token, uuid));
        vms.hardShutdown(uuid);
        await().atMost(WAIT)
                .until(() -> as(token).body(Map.of("uuid", uuid)).post("/vnc").statusCode() == 400);

        assertThat(ConsoleClient.open(url).awaitClose())
                .isEqualTo(new ConsoleClient.Close(4409, "the VM is not running (halted)"));
    }

    @Test
    void theConsoleClosesWhenTheVmStopsOrTheRightIsRevoked() throws Exception {
        String token = users.token("ida");
        String stopped = launchableRunningVm("ida", token);
        String revoked = launchableRunningVm("ida", token);
        ConsoleClient first = ConsoleClient.open(reachable(consoleUrl(token, stopped)));
        ConsoleClient second = ConsoleClient.open(reachable(consoleUrl(token, revoked)));
        RfbWire.handshakeAndFullUpdate(first);
        RfbWire.handshakeAndFullUpdate(second);

        vms.hardShutdown(stopped);
        assertThat(first.awaitClose()).isEqualTo(new ConsoleClient.Close(4409, "the VM stopped (halted)"));
        assertThat(second.closed()).as("another VM's console stays open").isNotDone();

        users.revokeAll(revoked, "ida");
        assertThat(second.awaitClose())
                .isEqualTo(new ConsoleClient.Close(4403, "the 'launch' right on this VM was revoked"));
    }

    @Test
    void aClientThatDoesNotReadMakesTheRelayStopReadingTheConsole() throws Exception {
        String token = users.token("bill");
        String uuid = launchableRunningVm("bill", token);
        ConsoleClient client = ConsoleClient.open(reachable(consoleUrl(token, uuid)));
        RfbWire.handshakeAndFullUpdate(client);
        double before = relayedToClients();

        int updates = 40;
        long frame = 4 + 12 + 640L * 480 * 4;
        ByteBuffer requests = ByteBuffer.allocate(10 * updates);
        for (int i = 0; i < updates; i++) {
            requests.put((byte) 3).put((byte) 0).putShort((short) 0).putShort((short) 0).putShort((short) 640)
                    .putShort((short) 480);
        }
        client.stallReading();
        client.write(requests.array());

        // ~49 MB asked for: with back-pressure the relay reads only what the client's socket buffers take, then stops
        await().atMost(WAIT).until(() -> relayedToClients() - before > 0);
        await().during(Duration.ofSeconds(2)).atMost(WAIT)
                .until(() -> relayedToClients() - before < updates * frame / 2);
        assertThat(client.closed()).isNotDone();

        client.resumeReading();
        for (int i = 0; i < updates; i++) {
            byte[] header = client.read(16);
            assertThat(header[0]).isEqualTo((byte) 0);
            client.read(640 * 480 * 4);
        }
        assertThat(relayedToClients() - before).isEqualTo((double) updates * frame);
        client.close();
    }

    /** vmemperor_console_bytes_total{direction="to_client"} from /q/metrics. */
    private static double relayedToClients() {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("(?m)^vmemperor_console_bytes_total\\{[^}]*direction=\"to_client\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertThat(matcher.find()).as(metrics).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    void metricsCountOpenConsoles() throws Exception {
        String token = users.token("nina");
        String uuid = launchableRunningVm("nina", token);
        ConsoleClient client = ConsoleClient.open(reachable(consoleUrl(token, uuid)));
        client.read(12);
        await().atMost(WAIT).until(() -> openConsoles() >= 1);
        client.close();
        client.awaitClose();
        await().atMost(WAIT).until(() -> openConsoles() == 0);
    }

    private static double openConsoles() {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("(?m)^vmemperor_console_open(?:\\{[^}]*\\})? (\\S+)$").matcher(metrics);
        assertThat(matcher.find()).as(metrics).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
