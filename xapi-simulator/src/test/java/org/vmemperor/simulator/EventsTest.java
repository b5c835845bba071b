package org.vmemperor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.simulator.SimulatorTestSupport.login;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Event;
import com.xensource.xenapi.EventBatch;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;

/** event.from through the SDK: snapshots, coalescing, timeouts, tokens and many long polls at once. */
class EventsTest {
    static XapiSimulator sim;

    @BeforeAll
    static void start() {
        sim = XapiSimulator.builder().demoVms(3).eventHistory(500).build();
        sim.start();
    }

    @AfterAll
    static void stop() {
        sim.stop();
    }

    @Test
    void emptyTokenGivesEveryObjectAsAdd() throws Exception {
        Connection c = login(sim);
        EventBatch batch = Event.from(c, Set.of("*"), "", 1.0);
        assertThat(batch.events).isNotEmpty().allSatisfy(e -> {
            assertThat(e.operation).isEqualTo(Types.EventOperation.ADD);
            assertThat(e.snapshot).isNotNull();
            assertThat(e.clazz).isEqualTo(e.clazz.toLowerCase());
        });
        assertThat(batch.events).noneMatch(e -> e.clazz.equals("session"));
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) batch.validRefCounts;
        assertThat(counts).containsKeys("VM", "host", "VBD", "task").allSatisfy(
                (cls, count) -> assertThat(count).isInstanceOf(Integer.class));
        assertThat(batch.token).isNotBlank();
        EventBatch vmsOnly = Event.from(c, Set.of("VM"), "", 1.0);
        assertThat(vmsOnly.events).allMatch(e -> e.clazz.equals("vm")).hasSize(VM.getAll(c).size());
    }

    @Test
    void addModDelAndCoalescing() throws Exception {
        Connection c = login(sim);
        String token = Event.from(c, Set.of("network"), "", 1.0).token;
        Network created = Network.create(c, record("ev-1"));
        created.setNameDescription(c, "changed");
        Network transient_ = Network.create(c, record("ev-2"));
        transient_.destroy(c);
        EventBatch batch = Event.from(c, Set.of("network"), token, 5.0);
        assertThat(batch.events).singleElement().satisfies(e -> {
            assertThat(e.operation).isEqualTo(Types.EventOperation.ADD);
            assertThat(e.ref).isEqualTo(created.toWireString());
            assertThat(((Network.Record) e.snapshot).nameDescription).isEqualTo("changed");
        });
        created.setNameLabel(c, "renamed");
        created.setNameDescription(c, "again");
        EventBatch mod = Event.from(c, Set.of("network"), batch.token, 5.0);
        assertThat(mod.events).singleElement().satisfies(e -> {
            assertThat(e.operation).isEqualTo(Types.EventOperation.MOD);
            assertThat(((Network.Record) e.snapshot).nameLabel).isEqualTo("renamed");
        });
        created.destroy(c);
        EventBatch del = Event.from(c, Set.of("network/" + created.toWireString()), mod.token, 5.0);
        assertThat(del.events).singleElement().satisfies(e -> {
            assertThat(e.operation).isEqualTo(Types.EventOperation.DEL);
            assertThat(e.snapshot).isNull();
        });
    }

    @Test
    void timeoutReturnsNoEventsAndAFreshToken() throws Exception {
        Connection c = login(sim);
        String token = Event.from(c, Set.of("pool"), "", 1.0).token;
        long before = System.nanoTime();
        EventBatch batch = Event.from(c, Set.of("pool"), token, 0.3);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(batch.events).isEmpty();
        assertThat(batch.token).isNotBlank();
    }

    @Test
    void injectAndTokenErrors() throws Exception {
        Connection c = login(sim);
        String pool = com.xensource.xenapi.Pool.getAll(c).iterator().next().toWireString();
        String token = Event.from(c, Set.of("pool"), "", 1.0).token;
        String injected = Event.inject(c, "pool", pool);
        assertThat(Event.from(c, Set.of("pool"), token, 2.0).events).singleElement()
                .satisfies(e -> assertThat(e.operation).isEqualTo(Types.EventOperation.MOD));
        assertThat(Event.from(c, Set.of("pool"), injected, 0.1).events).isEmpty();
        assertThatThrownBy(() -> Event.from(c, Set.of("*"), "garbage", 1.0))
                .isInstanceOf(Types.EventFromTokenParseFailure.class);
        String old = Event.from(c, Set.of("*"), "", 1.0).token;
        VM vm = VM.getByNameLabel(c, "debian-vm-03").iterator().next();
        for (int i = 0; i < 600; i++) {
            vm.setNameDescription(c, "churn " + i);
        }
        assertThatThrownBy(() -> Event.from(c, Set.of("*"), old, 1.0)).isInstanceOf(Types.EventsLost.class);
    }

    @Test
    void tasksAndMetricsGenerateEvents() throws Exception {
        Connection c = login(sim);
        String token = Event.from(c, Set.of("task", "vm_metrics", "vm_guest_metrics"), "", 1.0).token;
        VM vm = VM.getByNameLabel(c, "ubuntu-vm-01").iterator().next();
        vm.hardRebootAsync(c);
        Set<String> classes = ConcurrentHashMap.newKeySet();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            EventBatch b = Event.from(c, Set.of("task", "vm_metrics", "vm_guest_metrics"), token, 1.0);
            b.events.forEach(e -> classes.add(e.clazz));
            return classes.containsAll(Set.of("task", "vm_metrics", "vm_guest_metrics"));
        });
    }

    @Test
    void fiftyLongPollsWhileEightThreadsMutate() throws Exception {
        Connection setup = login(sim);
        String token = Event.from(setup, Set.of("network"), "", 1.0).token;
        int pollers = 50;
        int writers = 8;
        int perWriter = 10;
        ExecutorService pool = Executors.newFixedThreadPool(pollers + writers);
        try {
            List<Future<Set<String>>> polls = new ArrayList<>();
            for (int i = 0; i < pollers; i++) {
                polls.add(pool.submit(() -> {
                    Connection c = login(sim);
                    Set<String> seen = ConcurrentHashMap.newKeySet();
                    String t = token;
                    while (seen.size() < writers * perWriter) {
                        EventBatch batch = Event.from(c, Set.of("network"), t, 10.0);
                        batch.events.stream().filter(e -> e.operation == Types.EventOperation.ADD)
                                .forEach(e -> seen.add(e.ref));
                        t = batch.token;
                    }
                    return seen;
                }));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sim.waitingEventPolls() >= pollers);
            List<String> created = new CopyOnWriteArrayList<>();
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writes.add(pool.submit(() -> {
                    Connection c = login(sim);
                    for (int i = 0; i < perWriter; i++) {
                        created.add(Network.create(c, record("load-" + writer + "-" + i)).toWireString());
                    }
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
            for (Future<Set<String>> poll : polls) {
                assertThat(poll.get(30, java.util.concurrent.TimeUnit.SECONDS)).containsAll(created);
            }
            assertThat(created).hasSize(writers * perWriter).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentSettersLoseNoUpdate() throws Exception {
        Connection c = login(sim);
        VM vm = VM.getByNameLabel(c, "centos-vm-02").iterator().next();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                writes.add(pool.submit(() -> {
                    Connection own = new Connection(new URL(sim.url()));
                    Session.loginWithPassword(own, "root", "secret");
                    for (int i = 0; i < 20; i++) {
                        vm.addToOtherConfig(own, "k" + thread + "-" + i, "v");
                    }
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
            assertThat(vm.getOtherConfig(c).keySet().stream().filter(k -> k.startsWith("k"))).hasSize(160);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Network.Record record(String name) {
        Network.Record record = new Network.Record();
        record.nameLabel = name;
        record.otherConfig = Map.of();
        return record;
    }
}
