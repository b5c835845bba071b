package org.vmemperor.common.xenapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.simulator.XapiSimulator;

import com.xensource.xenapi.Event;

/**
 * The JSON-RPC loads give the cache exactly what the SDK's XML-RPC records give it (same fields, same Java types),
 * read by an independent SDK reader; and they keep the session handling of the SDK path.
 */
class JsonRpcLoaderTest {

    private static final Set<String> CLASSES = Stream.of(XenClass.values()).map(XenClass::eventName)
            .collect(Collectors.toSet());

    private XapiSimulator simulator;
    private PoolSession session;
    private JsonRpcLoader loader;

    @BeforeEach
    void startPool() {
        simulator = XapiSimulator.builder().port(0).rootPassword("pw").demoVms(5).build();
        simulator.start();
        session = new PoolSession(PoolSessionTest.config("pw"), () -> Optional.of(simulator.url()));
        loader = new JsonRpcLoader(PoolSessionTest.config("pw"));
    }

    @AfterEach
    void stopPool() {
        simulator.stop();
    }

    @Test
    void eventFromEqualsTheSdkRecords() throws Exception {
        JsonRpcLoader.Loaded loaded = loader.eventFrom(session, CLASSES);

        assertEqualsPool(loaded);
        assertThat(loaded.token()).isNotBlank();
        // the token follows on with the SDK's event.from, on the same session
        session.callEvents(c -> Event.from(c, CLASSES, loaded.token(), 0.0));
    }

    @Test
    void perClassEqualsTheSdkRecords() throws Exception {
        assertEqualsPool(loader.perClass(session, CLASSES));
    }

    @Test
    void aPerClassLoadKeepsOneCopyOfARefThatSeveralClassesHold() {
        JsonRpcLoader.Loaded loaded = loader.perClass(session, CLASSES);

        Map<String, XenObject> vms = loaded.objects().get(XenClass.VM);
        int checked = 0;
        for (XenObject vif : loaded.objects().get(XenClass.VIF).values()) {
            String vmRef = vif.string("VM");
            // the VM class's answer and the VIF class's were read by different threads, each with its own table
            assertThat(vmRef).isSameAs(vms.keySet().stream().filter(vmRef::equals).findFirst().orElseThrow());
            checked++;
        }
        assertThat(checked).isGreaterThan(0);
    }

    @Test
    void logsInAgainWhenThePoolForgotTheSession() {
        loader.eventFrom(session, CLASSES);
        simulator.faults().expireSessions();

        assertThat(loader.eventFrom(session, CLASSES).count()).isGreaterThan(0);
    }

    @Test
    void anUnreachablePoolIsPoolUnavailable() {
        session.current();
        simulator.stop();

        assertThatThrownBy(() -> loader.eventFrom(session, CLASSES)).isInstanceOf(PoolUnavailableException.class);
    }

    private void assertEqualsPool(JsonRpcLoader.Loaded loaded) throws Exception {
        try (PoolReader pool = new PoolReader(simulator.url(), "pw")) {
            int count = 0;
            for (XenClass type : XenClass.values()) {
                Map<String, Map<String, Object>> actual = new HashMap<>();
                loaded.objects().getOrDefault(type, Map.of()).forEach((ref, object) -> actual.put(ref, object.fields()));
                count += actual.size();
                assertThat(actual).as("%s objects", type).isEqualTo(pool.records(type));
            }
            assertThat(loaded.count()).isEqualTo(count);
            assertThat(count).isGreaterThan(20);
        }
    }
}
