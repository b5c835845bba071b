package org.vmemperor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.console.testing.Users.as;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.testing.RevokedTokens;
import org.vmemperor.console.service.ConsoleTickets;
import org.vmemperor.console.testing.ConsoleClient;
import org.vmemperor.console.testing.TestVms;
import org.vmemperor.console.testing.Users;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A console ends with its session (logout on any replica, written to the shared revocation table) and after the idle
 * timeout; expired secrets are purged. The profile checks every second, with a short revocation cache and idle time.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@TestProfile(ConsoleSessionEndTest.QuickChecks.class)
class ConsoleSessionEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    public static class QuickChecks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vmemperor.console.session-check-interval", "1s", "vmemperor.console.idle-timeout", "6s",
                    "vmemperor.security.revocation-cache-ttl", "300ms", "vmemperor.console.secret-retention", "0s");
        }
    }

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    DataSource dataSource;
    @Inject
    ConsoleTickets tickets;
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("/")
    URI base;

    private String consoleUrl(TokenSigner.SignedToken session, String user) {
        String uuid = new TestVms(simulator).running(user + "-vm");
        new Users(signer, rights).grant(uuid, user, Action.LAUNCH);
        await().atMost(WAIT)
                .until(() -> as(session.token()).body(Map.of("uuid", uuid)).post("/vnc").statusCode() == 200);
        String url = as(session.token()).body(Map.of("uuid", uuid)).post("/vnc").then().statusCode(200).extract()
                .asString();
        return "ws://" + base.getHost() + ":" + base.getPort() + url.substring(url.indexOf("/console?"));
    }

    @Test
    void aLogoutClosesTheConsole() throws Exception {
        TokenSigner.SignedToken session = new Users(signer, rights).session("lena");
        ConsoleClient client = ConsoleClient.open(consoleUrl(session, "lena"));
        assertThat(new String(client.read(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");

        // as access-service's /logout (on any replica) writes it: straight into the shared table
        RevokedTokens.insert(dataSource, session.tokenId(), session.expiresAt());
        assertThat(client.awaitClose()).isEqualTo(new ConsoleClient.Close(4401, "your session ended"));
    }

    @Test
    void anIdleConsoleIsClosed() throws Exception {
        ConsoleClient client = ConsoleClient.open(consoleUrl(new Users(signer, rights).session("ivan"), "ivan"));
        client.read(12);
        // nothing more from the client: the server waits for its version, so nothing moves either way
        assertThat(client.awaitClose()).isEqualTo(new ConsoleClient.Close(4408, "idle for 6 s"));
    }

    @Test
    void expiredSecretsArePurged() throws Exception {
        String url = consoleUrl(new Users(signer, rights).session("pia"), "pia");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement expire = connection
                        .prepareStatement("UPDATE console_ticket SET expires = now() - interval '1 second'")) {
            assertThat(expire.executeUpdate()).isPositive();
        }
        assertThat(tickets.purge()).isPositive();
        assertThat(ConsoleClient.open(url).awaitClose()).isEqualTo(new ConsoleClient.Close(4401, "unknown console secret"));
    }
}
