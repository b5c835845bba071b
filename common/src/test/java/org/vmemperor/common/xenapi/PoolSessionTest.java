package org.vmemperor.common.xenapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.simulator.XapiSimulator;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.Types;

/** The service-account session on its own, against the simulator: master fail-over, re-login, unreachable pool. */
class PoolSessionTest {

    private XapiSimulator simulator;

    @BeforeEach
    void startPool() {
        simulator = XapiSimulator.builder().port(0).rootPassword("pw").demoVms(1).build();
        simulator.start();
    }

    @AfterEach
    void stopPool() {
        simulator.stop();
    }

    @Test
    void followsHostIsSlaveToTheMaster() {
        // the configured address is a pool member ("localhost"); it names the master by IP, as xapi does
        PoolSession session = new PoolSession(config("pw"),
                () -> Optional.of("http://localhost:" + simulator.port() + "/"));
        simulator.faults().failNext("session.login_with_password", "HOST_IS_SLAVE", "127.0.0.1");

        // without following, the scripted HOST_IS_SLAVE would surface as a XenApiFailure
        String poolUuid = session.call(c -> Pool.getAll(c).iterator().next().getUuid(c));

        assertThat(poolUuid).isNotBlank();
    }

    @Test
    void logsInAgainAfterSessionInvalid() {
        PoolSession session = new PoolSession(config("pw"), () -> Optional.of(simulator.url()));
        String first = session.call(c -> c.getSessionReference());
        simulator.faults().expireSessions();

        String uuid = session.call(c -> Pool.getAll(c).iterator().next().getUuid(c));
        String second = session.call(c -> c.getSessionReference());

        assertThat(uuid).isNotBlank();
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void wrongServiceAccountPasswordIsAXenApiFailure() {
        PoolSession session = new PoolSession(config("wrong"), () -> Optional.of(simulator.url()));
        assertThatThrownBy(() -> session.call(c -> Pool.getAll(c)))
                .isInstanceOfSatisfying(XenApiFailure.class,
                        f -> assertThat(f.code()).isEqualTo("SESSION_AUTHENTICATION_FAILED"));
    }

    @Test
    void unreachablePoolIsPoolUnavailable() {
        int port = simulator.port();
        simulator.stop();
        PoolSession session = new PoolSession(config("pw"), () -> Optional.of("http://127.0.0.1:" + port + "/"));
        assertThatThrownBy(() -> session.call(c -> Pool.getAll(c))).isInstanceOf(PoolUnavailableException.class);
        simulator.start();
        Set<Pool> pools = session.call(c -> Pool.getAll(c));
        assertThat(pools).isNotEmpty();
    }

    @Test
    void logsOutASessionGivenUpWhileThePoolWasUnreachable() throws Exception {
        PoolSession session = new PoolSession(config("pw"), () -> Optional.of(simulator.url()));
        String first = session.call(c -> c.getSessionReference());
        // two: HttpURLConnection sends a POST again once when its connection closes without an answer
        simulator.faults().dropConnections(2);
        assertThatThrownBy(() -> session.call(c -> Pool.getAll(c))).isInstanceOf(PoolUnavailableException.class);
        assertThat(session.forgottenSessions()).isEqualTo(1);

        // the pool answers again: a new session, and the one given up is gone from the pool
        String second = session.call(c -> c.getSessionReference());

        assertThat(second).isNotEqualTo(first);
        assertThat(session.forgottenSessions()).isZero();
        Connection given = new Connection(new URL(simulator.url()), first);
        assertThatThrownBy(() -> Pool.getAll(given)).isInstanceOf(Types.SessionInvalid.class);
        Set<Pool> pools = session.call(c -> Pool.getAll(c));
        assertThat(pools).isNotEmpty();
    }

    @Test
    void everyRoundTripIsObservedWithItsOutcome() {
        List<String> outcomes = new CopyOnWriteArrayList<>();
        PoolSession session = new PoolSession(config("pw"), () -> Optional.of(simulator.url()),
                (took, connection, outcome) -> outcomes.add(connection + " " + outcome));
        simulator.faults().failNext("pool.get_all", "HANDLE_INVALID", "pool", "OpaqueRef:x");

        assertThatThrownBy(() -> session.call(c -> Pool.getAll(c))).isInstanceOf(XenApiFailure.class);
        Set<Pool> pools = session.call(c -> Pool.getAll(c));

        assertThat(pools).isNotEmpty();
        assertThat(outcomes).containsExactly("calls HANDLE_INVALID", "calls success");
    }

    static XenApiConfig config(String password) {
        return new XenApiConfig() {
            @Override
            public Optional<String> url() {
                return Optional.empty();
            }

            @Override
            public String username() {
                return "root";
            }

            @Override
            public String password() {
                return password;
            }

            @Override
            public Duration connectTimeout() {
                return Duration.ofSeconds(2);
            }

            @Override
            public Duration replyTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Duration eventPollTimeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration reconnectInitialDelay() {
                return Duration.ofMillis(50);
            }

            @Override
            public Duration reconnectMaxDelay() {
                return Duration.ofMillis(200);
            }

            @Override
            public InitialLoad initialLoad() {
                return InitialLoad.JSON_EVENT_FROM;
            }
        };
    }
}
