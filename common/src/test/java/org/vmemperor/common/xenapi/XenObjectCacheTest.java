package org.vmemperor.common.xenapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.Metrics;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;

import com.xensource.xenapi.Network;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VM;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
class XenObjectCacheTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Inject
    XenObjectCache cache;

    @InjectSimulator
    XapiSimulator simulator;

    @Test
    void equalsThePoolAfterTheFirstLoad() throws Exception {
        await().atMost(PATIENCE).until(cache::isReady);
        try (PoolReader pool = new PoolReader(simulator.url(), PoolTestResource.ROOT_PASSWORD)) {
            assertCacheEquals(pool);
            assertThat(cache.size(XenClass.VM)).isGreaterThan(3);
            assertThat(cache.size(XenClass.SR)).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void followsAStreamOfChanges() throws Exception {
        await().atMost(PATIENCE).until(cache::isReady);
        List<CacheChange> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable subscription = cache.subscribe(seen::add);
                PoolReader pool = new PoolReader(simulator.url(), PoolTestResource.ROOT_PASSWORD)) {
            VM template = VM.getAllRecords(pool.connection).entrySet().stream()
                    .filter(e -> e.getValue().isATemplate && !e.getValue().isControlDomain).findFirst()
                    .orElseThrow().getKey();
            VM clone = template.createClone(pool.connection, "cache-test clone");
            clone.setNameDescription(pool.connection, "changed once");
            clone.setNameDescription(pool.connection, "changed twice");
            Network.Record net = new Network.Record();
            net.nameLabel = "cache-test network";
            Network network = Network.create(pool.connection, net);
            String cloneUuid = clone.getUuid(pool.connection);
            String networkUuid = network.getUuid(pool.connection);

            await().atMost(PATIENCE).untilAsserted(() -> assertCacheEquals(pool));
            assertThat(cache.requireByUuid(XenClass.VM, cloneUuid).string("name_description"))
                    .isEqualTo("changed twice");
            assertThat(seen).anyMatch(c -> c.operation() == CacheChange.Operation.ADD
                    && c.type() == XenClass.NETWORK && c.after().uuid().equals(networkUuid));

            network.destroy(pool.connection);
            clone.destroy(pool.connection);
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(cache.byUuid(XenClass.VM, cloneUuid)).isEmpty();
                assertThat(cache.byUuid(XenClass.NETWORK, networkUuid)).isEmpty();
            });
            assertThat(seen).anyMatch(c -> c.operation() == CacheChange.Operation.DEL
                    && c.type() == XenClass.NETWORK && c.before().uuid().equals(networkUuid));
            assertCacheEquals(pool);
        }
    }

    @Test
    void logsInAgainWhenTheSessionExpires() throws Exception {
        await().atMost(PATIENCE).until(cache::isReady);
        simulator.faults().expireSessions();
        try (PoolReader pool = new PoolReader(simulator.url(), PoolTestResource.ROOT_PASSWORD)) {
            VDI vdi = VDI.getAll(pool.connection).iterator().next();
            String uuid = vdi.getUuid(pool.connection);
            vdi.setNameDescription(pool.connection, "after expiry");
            await().atMost(PATIENCE).until(() -> cache.byUuid(XenClass.VDI, uuid)
                    .map(o -> o.string("name_description").equals("after expiry")).orElse(false));
            assertThat(cache.isReady()).isTrue();
        }
    }

    @Test
    void answers503WhileThePoolIsDownAndRecovers() throws Exception {
        await().atMost(PATIENCE).until(cache::isReady);
        String vmUuid = cache.all(XenClass.VM).stream().filter(vm -> !vm.bool("is_a_template")).findFirst()
                .orElseThrow().uuid();
        given().get("/test/cache/vm/" + vmUuid).then().statusCode(200).body("uuid", is(vmUuid));

        simulator.stop();
        try {
            await().atMost(PATIENCE).until(() -> !cache.isReady());
            given().get("/test/cache/vm/" + vmUuid).then().statusCode(503)
                    .header("Retry-After", notNullValue())
                    .body("status", is("unavailable"));
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            simulator.start();
        }
        await().atMost(PATIENCE).until(cache::isReady);
        given().get("/test/cache/vm/" + vmUuid).then().statusCode(200).body("uuid", is(vmUuid));
        try (PoolReader pool = new PoolReader(simulator.url(), PoolTestResource.ROOT_PASSWORD)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertCacheEquals(pool));
        }
    }

    @Test
    void reloadsEverythingAfterEventsLost() throws Exception {
        await().atMost(PATIENCE).until(cache::isReady);
        AtomicInteger resyncs = new AtomicInteger();
        try (AutoCloseable subscription = cache.subscribe(new CacheListener() {
            @Override
            public void onChange(CacheChange change) {
            }

            @Override
            public void onResync() {
                resyncs.incrementAndGet();
            }
        }); PoolReader pool = new PoolReader(simulator.url(), PoolTestResource.ROOT_PASSWORD)) {
            simulator.faults().failNext("event.from", "EVENTS_LOST");
            // a change is needed to end the current long poll so the next call meets the fault
            VM.getAll(pool.connection).iterator().next().setNameDescription(pool.connection, "poke");
            await().atMost(PATIENCE).until(() -> resyncs.get() > 0);
            await().atMost(PATIENCE).untilAsserted(() -> assertCacheEquals(pool));
        }
    }

    @Test
    void showsTheCacheTheEventsAndTheCallsOnMetrics() throws Exception {
        await().atMost(PATIENCE).until(cache::isReady);
        // objects per class, as many as the cache holds
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                Metrics.sum("vmemperor_cache_objects", "class", XenClass.VM.wireName()))
                .isEqualTo(cache.size(XenClass.VM)));
        assertThat(Metrics.sum("vmemperor_cache_load_seconds_count")).isGreaterThanOrEqualTo(1);
        // the initial load goes over JSON-RPC by default, then the event connection long-polls
        assertThat(Metrics.sum("vmemperor_xenapi_calls_seconds_count", "connection", "jsonrpc", "outcome", "success"))
                .isGreaterThanOrEqualTo(1);

        String before = Metrics.scrape();
        try (PoolReader pool = new PoolReader(simulator.url(), PoolTestResource.ROOT_PASSWORD)) {
            simulator.faults().failNext("event.from", "EVENTS_LOST");
            VM.getAll(pool.connection).iterator().next().setNameDescription(pool.connection, "metrics poke");
            await().atMost(PATIENCE).untilAsserted(() -> {
                String now = Metrics.scrape();
                // the poke's event was applied and its lag measured, the fault answered and counted as such,
                // and the cache was loaded again
                assertThat(Metrics.sumIn(now, "vmemperor_events_lag_seconds_count"))
                        .isGreaterThan(Metrics.sumIn(before, "vmemperor_events_lag_seconds_count"));
                assertThat(Metrics.sumIn(now, "vmemperor_xenapi_calls_seconds_count", "connection", "events",
                        "outcome", "EVENTS_LOST")).isGreaterThan(Metrics.sumIn(before,
                                "vmemperor_xenapi_calls_seconds_count", "connection", "events", "outcome",
                                "EVENTS_LOST"));
                assertThat(Metrics.sumIn(now, "vmemperor_cache_load_seconds_count"))
                        .isGreaterThan(Metrics.sumIn(before, "vmemperor_cache_load_seconds_count"));
            });
        }
    }

    @Test
    void unknownUuidIsA400WithTheXenApiError() {
        await().atMost(PATIENCE).until(cache::isReady);
        given().get("/test/cache/vm/00000000-0000-0000-0000-000000000000").then().statusCode(400)
                .body("status", is("bad request"))
                .body("details[0]", is("UUID_INVALID"))
                .body("details[1]", is("vm"));
    }

    private void assertCacheEquals(PoolReader pool) throws Exception {
        for (XenClass type : XenClass.values()) {
            Map<String, Map<String, Object>> expected = pool.records(type);
            Map<String, Map<String, Object>> actual = new HashMap<>();
            cache.all(type).forEach(object -> actual.put(object.ref(), object.fields()));
            if (type == XenClass.TASK) {
                // tasks come and go between the two reads; the others must match exactly
                continue;
            }
            assertThat(actual).as("cached %s objects", type).isEqualTo(expected);
        }
    }
}
