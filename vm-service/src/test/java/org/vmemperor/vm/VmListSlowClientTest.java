package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.Metrics;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.VmListSocketTest.Client;
import org.vmemperor.vm.testing.RawWebSocket;
import org.vmemperor.vm.testing.TestPool;
import org.vmemperor.vm.testing.Users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A /vmlist client that stops reading is closed with 1013 once it has more than {@code vmemperor.vmlist.max-unsent}
 * bytes unread when a change comes, instead of the service keeping every change for it; a client that reads is not
 * affected. The profile lowers the bound to 1 KB (Netty counts a socket's unsent bytes only beyond its 64 KB
 * high-water mark, so the close comes after some 100 KB the client left unread).
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@TestProfile(VmListSlowClientTest.SmallBound.class)
class VmListSlowClientTest {

    public static class SmallBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vmemperor.vmlist.max-unsent", "1K");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("/vmlist")
    URI httpUri;

    @Test
    void aClientThatStopsReadingIsClosedWith1013AndOthersKeepTheirStream() throws Exception {
        Users users = new Users(signer, rights);
        String uuid = new TestPool(simulator).newHaltedVm("slow-vm");
        String token = users.adminToken();
        URI uri = URI.create(httpUri.toString().replaceFirst("^http", "ws"));
        Client reader = new Client();
        WebSocket readerSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + token).buildAsync(uri, reader).get(10, TimeUnit.SECONDS);
        // a small receive window, so that the kernel holds little of what the client does not read
        try (RawWebSocket slow = RawWebSocket.open(uri, token, 4096, false)) {
            await().atMost(WAIT).until(() -> reader.ofType("initial").stream()
                    .anyMatch(m -> uuid.equals(m.path("uuid").asText())));

            // changes of some 60 KB each until the slow socket is closed; the reader reads every one
            AtomicInteger renames = new AtomicInteger();
            String padding = "x".repeat(30_000);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                simulator.pool().set("VM", uuid, "name_label", "slow-" + renames.incrementAndGet() + padding);
                return Metrics.sum("vmemperor_vmlist_closed_too_slow_total") >= 1;
            });
            String last = "slow-" + renames.get() + padding;
            await().atMost(WAIT).until(() -> reader.ofType("change").stream()
                    .anyMatch(m -> last.equals(m.path("new_val").path("name_label").asText())));
            assertThat(reader.closed).isNotDone();

            // what the slow client finally reads: whole messages, then the close frame
            List<JsonNode> messages = new ArrayList<>();
            RawWebSocket.Message message;
            while ((message = slow.read()).text() != null) {
                messages.add(JSON.readTree(message.text()));
            }
            assertThat(message.closeCode()).isEqualTo(1013);
            assertThat(messages).isNotEmpty().allMatch(m -> m.has("type"));
            assertThat(messages).filteredOn(m -> "change".equals(m.path("type").asText()))
                    .hasSizeLessThan(renames.get());
        } finally {
            readerSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        // only the slow socket was closed
        assertThat(Metrics.sum("vmemperor_vmlist_closed_too_slow_total")).isEqualTo(1);
    }
}
