package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.testing.RevokedTokens;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.VmListSocketTest.Client;
import org.vmemperor.vm.testing.TestPool;
import org.vmemperor.vm.testing.Users;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A /vmlist socket ends with its session: closed with 4401 when its token expires or is revoked while it is open
 * (logged out, or its user's sessions ended: deleted, removed from a group).
 * The profile removes the verifier's clock skew (else an expired token lives 30 s longer) and checks revocations every
 * 300 ms with a 300 ms revocation cache, so both happen within seconds.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@TestProfile(VmListSessionTest.QuickSessionChecks.class)
class VmListSessionTest {

    public static class QuickSessionChecks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vmemperor.security.clock-skew", "0s", "vmemperor.security.revocation-cache-ttl", "300ms",
                    "vmemperor.vmlist.revocation-check-interval", "300ms");
        }
    }

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    DataSource dataSource;
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("/vmlist")
    URI httpUri;

    private WebSocket connect(Client client, String token) throws Exception {
        URI uri = URI.create(httpUri.toString().replaceFirst("^http", "ws"));
        return HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(uri, client).get(10, TimeUnit.SECONDS);
    }

    /**
     * A VM the user can see, so that an open socket shows it is working by a message about it: {@code initial}, or
     * {@code add} when the cache gets the clone or the grant only after the socket opened.
     */
    private String ownVm(String user) {
        String uuid = new TestPool(simulator).newHaltedVm(user + "-vm");
        Users users = new Users(signer, rights);
        users.grant(ObjectType.VM, uuid, user, Action.LAUNCH);
        // visible to the user here before a short-lived token is signed: on a loaded machine the clone and the grant
        // can take seconds to reach the cache
        String token = users.token(user);
        await().atMost(Duration.ofSeconds(30)).until(() -> Users.as(token).body(Map.of("uuid", uuid)).post("/vminfo")
                .then().extract().statusCode() == 200);
        return uuid;
    }

    @Test
    void anOpenSocketIsClosedWith4401WhenItsTokenExpires() throws Exception {
        ownVm("erin");
        // a first socket makes the endpoint ready (its first handshake can take seconds on a loaded machine), so that
        // the short-lived token below is still valid when its own handshake is checked
        Client warmUp = new Client();
        WebSocket warmUpSocket = connect(warmUp, signer.sign(Users.user("erin")).token());
        await().atMost(Duration.ofSeconds(30)).until(() -> !warmUp.messages.isEmpty());
        warmUpSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        // exp is in whole seconds: the token ends between 9 and 10 seconds from now
        TokenSigner.SignedToken token = signer.sign(Users.user("erin"), Instant.now().plusSeconds(10));
        Instant expiry = Instant.ofEpochSecond(token.expiresAt().getEpochSecond());
        Client client = new Client();
        CompletableFuture<Instant> closedAt = client.closed.thenApply(code -> Instant.now());
        connect(client, token.token());

        assertThat(client.closed.get(30, TimeUnit.SECONDS)).isEqualTo(4401);
        // the expiry closed it (not the revocation check, nor a refused handshake: "not authorized"), and not before
        // the token's end
        assertThat(client.closeReason).isEqualTo("session expired");
        assertThat(closedAt.get()).isAfterOrEqualTo(expiry);
        // it was open and streaming first: nothing arrives after a close
        assertThat(client.messages).isNotEmpty();
    }

    @Test
    void anOpenSocketIsClosedWith4401WhenItsTokenIsRevoked() throws Exception {
        ownVm("rita");
        TokenSigner.SignedToken revoked = signer.sign(Users.user("rita"));
        TokenSigner.SignedToken kept = signer.sign(Users.user("rita"));
        Client revokedClient = new Client();
        Client keptClient = new Client();
        connect(revokedClient, revoked.token());
        WebSocket keptSocket = connect(keptClient, kept.token());
        try {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !revokedClient.messages.isEmpty() && !keptClient.messages.isEmpty());

            // as access-service's logout (on any replica) writes it: straight into the shared table
            RevokedTokens.insert(dataSource, revoked.tokenId(), revoked.expiresAt());

            assertThat(revokedClient.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
            // another session of the same user is not affected
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !keptClient.closed.isDone());
        } finally {
            keptSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    @Test
    void aDeletedUsersSocketIsClosedWith4401AndItsRoutesAnswer401() throws Exception {
        String vm = ownVm("dora");
        ownVm("otto");
        TokenSigner.SignedToken dora = signer.sign(Users.user("dora"));
        TokenSigner.SignedToken otto = signer.sign(Users.user("otto"));
        Client doraClient = new Client();
        Client ottoClient = new Client();
        connect(doraClient, dora.token());
        WebSocket ottoSocket = connect(ottoClient, otto.token());
        try {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !doraClient.messages.isEmpty() && !ottoClient.messages.isEmpty());
            Users.as(dora.token()).body(Map.of("uuid", vm, "enable", false)).post("/startstopvm").then()
                    .statusCode(200);

            // as access-service's /deleteuser (on any replica) ends the user's sessions: straight into the shared
            // table, so nothing in this process knows of it beforehand
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO session_epoch (user_id, epoch, changed_at) VALUES (?, 1, now())")) {
                insert.setString(1, "users/dora");
                insert.executeUpdate();
            }

            assertThat(doraClient.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> Users.as(dora.token())
                    .body(Map.of("uuid", vm, "enable", true)).post("/startstopvm").then().statusCode(401));
            // a reconnect with the old token is refused at once
            Client again = new Client();
            connect(again, dora.token());
            assertThat(again.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
            // another user is not affected
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !ottoClient.closed.isDone());
        } finally {
            ottoSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
