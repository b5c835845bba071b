package org.vmemperor.standalone.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vmemperor.simulator.XapiSimulator;

import com.fasterxml.jackson.databind.JsonNode;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Faults under load (issue 14): 50 clients read and write through the packaged standalone while the pool restarts,
 * drops connections, expires every session and answers slowly, and while PostgreSQL restarts. The pool (the
 * simulator, in this JVM) and the database (a PostgreSQL of its own on a free port, data in a temporary directory:
 * the machine's cluster is left alone) are outside the standalone, so that the test can take them away.
 * <p>
 * It asserts: no answer is a 5xx other than 503, every 503 has Retry-After, no request hangs (no answer within
 * {@link RawHttp#TIMEOUT_MILLIS}, shorter than the pool's connect plus reply timeouts), reads answer 503 while the pool
 * or the database is away, everything is consistent again after each fault (eventually: the time it took is measured
 * and printed, the target being 5 s), and every task the clients started reaches a final state, a task whose XenAPI
 * task vanished saying TASK_LOST.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultsIT {

    static final int CLIENTS = 50;
    static final String ROOT_PASSWORD = "faults-root-secret";
    static final String USER_PASSWORD = "faults-user-password";
    /** How long the pool or the database stays away. */
    static final Duration AWAY = Duration.ofSeconds(4);
    /** Each client's pace: a request, then this pause (a load generator's rate, not synchronisation). */
    static final Duration PACE = Duration.ofMillis(150);

    private Path work;
    private int pgPort;
    private EmbeddedPostgres postgres;
    private XapiSimulator pool;
    private Process standalone;
    private Path log;
    private RawHttp http;
    private Api api;
    private String admin;
    private String user;
    private List<String> vms;
    private String probeVm;
    private String referenceTask;
    private String userReferenceTask;

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("vmemperor-faults");
        pgPort = freePort();
        postgres = startPostgres();
        pool = XapiSimulator.builder().port(0).rootPassword(ROOT_PASSWORD).demoVms(10).installSeconds(1).build();
        pool.start();
        int port = freePort();
        log = work.resolve("standalone.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("QUARKUS_DATASOURCE")
                || name.startsWith("VMEMPEROR_"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("VMEMPEROR_DATA_DIR", work.resolve("data").toString());
        env.put("VMEMPEROR_XENAPI_URL", pool.url());
        env.put("VMEMPEROR_XENAPI_PASSWORD", ROOT_PASSWORD);
        env.put("DB_URL", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres");
        env.put("DB_USER", "postgres");
        env.put("DB_PASSWORD", "unused-trust-auth");
        env.put("VMEMPEROR_ACCESS_THROTTLE_FREE_FAILURES_PER_ADDRESS", "1000000");
        // the only timing changed from the defaults: a vanished XenAPI task is declared lost after 5 s, not 30 s
        env.put("VMEMPEROR_TASKS_LOST_TASK_GRACE", "5s");
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        standalone = builder.start();
        http = new RawHttp(port);
        api = new Api(http);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            assertThat(standalone.isAlive()).as("standalone alive (see " + log + ")").isTrue();
            return http.send("GET", "/q/health/ready", Map.of(), null).status() == 200;
        });
        admin = api.login("/adminauth", "root", ROOT_PASSWORD);
        String userId = api.post("/createuser", admin, Map.of("username", "faults-user", "password", USER_PASSWORD))
                .get("id").asText();
        vms = new ArrayList<>(Api.texts(api.get("/vmlist", admin), "uuid"));
        probeVm = vms.remove(0);
        for (String vm : vms) {
            api.post("/setaccess", admin, Map.of("type", "VM", "uuid", vm, "action", "launch", "user", userId));
        }
        user = api.login("/login", "faults-user", USER_PASSWORD);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> api.get("/vmlist", user).size() == vms.size());
        // a task whose row the consistency probe reads back (the database answering)
        boolean running = api.post("/vminfo", admin, Map.of("uuid", probeVm)).path("power_state").asText()
                .equals("Running");
        referenceTask = api.post("/startstopvm", admin, Map.of("uuid", probeVm, "enable", !running)).get("task")
                .asText();
        String userVm = vms.get(0);
        boolean userVmRunning = api.post("/vminfo", user, Map.of("uuid", userVm)).path("power_state").asText()
                .equals("Running");
        userReferenceTask = api.post("/startstopvm", user, Map.of("uuid", userVm, "enable", !userVmRunning))
                .get("task").asText();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (standalone != null && standalone.isAlive()) {
            standalone.destroy();
            if (!standalone.waitFor(30, TimeUnit.SECONDS)) {
                standalone.destroyForcibly().waitFor();
            }
        }
        if (pool != null) {
            pool.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** What the clients saw, in one place. */
    static final class Tally {
        final AtomicInteger requests = new AtomicInteger();
        final ConcurrentMap<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final Set<String> tasks = ConcurrentHashMap.newKeySet();
        /** The tasks by the session that started them: /taskstatus answers only the creator (and administrators). */
        final ConcurrentMap<String, Set<String>> tasksBySession = new ConcurrentHashMap<>();
        /**
         * Reads answered while the current fault holds, by what they read ("pool" for the cache's objects, "db" for
         * task rows) and status; counted once the fault has shown (its first 503), for reads sent after that.
         */
        final ConcurrentMap<String, AtomicInteger> readsDuringFault = new ConcurrentHashMap<>();
        final AtomicReference<String> fault = new AtomicReference<>();
        /** System.nanoTime() of the current fault's first 503, 0 before it. */
        final AtomicLong noticed = new AtomicLong();

        void fail(String what) {
            if (failures.size() < 50) {
                failures.add(what);
            }
        }
    }

    @Test
    void fiftyClientsSurvivePoolAndDatabaseFaults() throws Exception {
        Tally tally = new Tally();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        CountDownLatch done = new CountDownLatch(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            long seed = 14_000L + i;
            String token = i % 5 == 0 ? admin : user;
            clients.execute(() -> {
                try {
                    client(new SplittableRandom(seed), token, tally, running);
                } finally {
                    done.countDown();
                }
            });
        }
        Map<String, Long> recovery = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> duringFault = new LinkedHashMap<>();
        String lostXenTask;
        try {
            awaitConsistent("warm-up");

            // 1. pool restart: away for AWAY, changed meanwhile (another client of the pool), then back
            recovery.put("pool restart", fault("pool restart", tally, duringFault, () -> {
                pool.stop();
                pool.pool().set("VM", probeVm, "name_label", "probe-pool-restart");
            }, () -> pool.start(), "probe-pool-restart", true));

            // 2. dropped connections: the next 30 requests to the pool get no answer
            recovery.put("dropped connections", fault("dropped connections", tally, duringFault,
                    () -> pool.faults().dropConnections(30), () -> pool.faults().clear(), "probe-dropped", false));

            // 3. every session on the pool expires at once
            recovery.put("session expiry", fault("session expiry", tally, duringFault,
                    () -> pool.faults().expireSessions(), () -> {
                    }, "probe-sessions", false));

            // 4. slow calls: every answer of the pool 2 s late, VM.start's task pending 2 s; one task vanishes
            AtomicReference<String> vanished = new AtomicReference<>();
            recovery.put("slow calls (2 s)", fault("slow calls (2 s)", tally, duringFault, () -> {
                pool.faults().latency(Duration.ofSeconds(2)).latency("VM.start", Duration.ofSeconds(2));
            }, () -> {
                // a XenAPI task destroyed by someone else while pending: VMEmperor's task must end as lost
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    // it may end between the lookup and the destroy: then the next pending one
                    String ref = pendingXenTask().orElseThrow();
                    pool.pool().destroy("task", ref);
                    vanished.set(ref);
                    return true;
                });
                pool.faults().clear();
            }, "probe-slow", false));
            lostXenTask = vanished.get();

            // 5. PostgreSQL restarted: away for AWAY
            recovery.put("PostgreSQL restart", fault("PostgreSQL restart", tally, duringFault,
                    () -> postgres.close(), () -> postgres = startPostgres(), "probe-postgres", true));
        } finally {
            running.set(false);
            clients.shutdown();
            done.await(2, TimeUnit.MINUTES);
        }

        // every task reaches a final state; a vanished one says so
        Map<String, String> finals = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String task : tally.tasks) {
                if (!finals.containsKey(task)) {
                    RawHttp.Answer answer = api.call("POST", "/taskstatus", Api.bearer(admin), Map.of("task", task));
                    assertThat(answer.status()).as("/taskstatus " + task).isEqualTo(200);
                    JsonNode status = Api.parse(answer.body());
                    String state = status.path("status").asText(status.path("state").asText());
                    if (!state.equals("pending") && !state.equals("running") && !state.equals("queued")) {
                        finals.put(task, state + " " + status.path("error_info"));
                    }
                }
            }
            assertThat(finals.keySet()).as("tasks in a final state").containsAll(tally.tasks);
        });
        long lost = finals.values().stream().filter(state -> state.contains("TASK_LOST")).count();
        Map<String, Long> outcomes = new TreeMap<>();
        finals.values().forEach(state -> outcomes.merge(state.split(" ")[0], 1L, Long::sum));

        Map<Integer, Integer> statuses = new TreeMap<>();
        tally.byStatus.forEach((status, count) -> statuses.put(status, count.get()));
        int serverErrors = statuses.entrySet().stream().filter(e -> e.getKey() >= 500 && e.getKey() != 503)
                .mapToInt(Map.Entry::getValue).sum();
        System.out.printf("faults under load: %d clients, %d requests, by status %s; 5xx other than 503: %d;"
                + " faults survived: %d (%s)%n", CLIENTS, tally.requests.get(), statuses, serverErrors,
                recovery.size(), String.join(", ", recovery.keySet()));
        recovery.forEach((fault, millis) -> System.out.printf("  %-20s consistent again %5d ms after it ended%s;"
                + " reads while it held: %s%n", fault, millis, millis <= 5000 ? "" : " (over the 5 s target)",
                duringFault.get(fault)));
        System.out.printf("  tasks: %d started, %d final %s, %d lost (XenAPI task vanished: %s)%n",
                tally.tasks.size(), finals.size(), outcomes, lost, lostXenTask);
        System.out.printf("  failures: %d%s%n", tally.failures.size(), tally.failures.isEmpty() ? ""
                : "\n    " + String.join("\n    ", tally.failures));

        assertThat(tally.failures).as("5xx other than 503, 503 without Retry-After, hangs, wrong answers").isEmpty();
        assertThat(recovery).hasSize(5);
        assertThat(duringFault.get("pool restart")).as("reads while the pool is away").containsKey("pool 503")
                .doesNotContainKey("pool 200");
        assertThat(duringFault.get("PostgreSQL restart")).as("reads while the database is away")
                .containsKey("db 503").doesNotContainKey("db 200");
        assertThat(lost).as("the task whose XenAPI task vanished ends as lost").isGreaterThanOrEqualTo(1);
        assertThat(standalone.isAlive()).isTrue();
        String logText = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logText).doesNotContain(ROOT_PASSWORD).doesNotContain(USER_PASSWORD).doesNotContain(user);
    }

    /**
     * One fault: start it, hold it (for AWAY when {@code away}, else until the pool has seen requests with it), end
     * it, then measure how long until the probe VM's name (changed on the pool) shows and reads answer again.
     *
     * @return milliseconds from the end of the fault until consistent
     */
    private long fault(String name, Tally tally, Map<String, Map<String, Integer>> duringFault, Step begin,
            Step end, String marker, boolean away) throws Exception {
        tally.readsDuringFault.clear();
        tally.noticed.set(0);
        begin.run();
        if (!away) {
            // nothing to notice: every read sent from now on counts
            tally.noticed.set(System.nanoTime());
        }
        tally.fault.set(name);
        if (away) {
            // reads must see the fault: wait until one answered 503, then keep it away a while under load
            await().atMost(Duration.ofSeconds(30)).until(() -> tally.noticed.get() != 0);
            LockSupport.parkNanos(AWAY.toNanos());
        } else {
            int seen = tally.requests.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> tally.requests.get() > seen + 2 * CLIENTS);
        }
        Map<String, Integer> reads = new TreeMap<>();
        tally.readsDuringFault.forEach((status, count) -> reads.put(status, count.get()));
        tally.fault.set(null);
        duringFault.put(name, reads);
        end.run();
        long ended = System.nanoTime();
        if (!name.equals("pool restart")) {
            pool.pool().set("VM", probeVm, "name_label", marker);
        }
        awaitConsistent(marker);
        return Duration.ofNanos(System.nanoTime() - ended).toMillis();
    }

    private interface Step {
        void run() throws Exception;
    }

    /** The probe VM shows its name as on the pool, lists answer, and the database answers (a task's status). */
    private void awaitConsistent(String marker) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            if (!marker.equals("warm-up")) {
                RawHttp.Answer info = api.call("POST", "/vminfo", Api.bearer(admin), Map.of("uuid", probeVm));
                if (info.status() != 200 || !marker.equals(Api.parse(info.body()).path("name_label").asText())) {
                    return false;
                }
            }
            return api.call("GET", "/vmlist", Api.bearer(user), null).status() == 200
                    && api.call("POST", "/taskstatus", Api.bearer(admin), Map.of("task", referenceTask))
                            .status() == 200;
        });
    }

    private Optional<String> pendingXenTask() {
        return pool.pool().records("task").entrySet().stream()
                .filter(task -> "pending".equals(String.valueOf(task.getValue().get("status"))))
                .map(Map.Entry::getKey).findFirst();
    }

    /** One client: mostly reads, some power operations, paced. */
    private void client(SplittableRandom random, String token, Tally tally, AtomicBoolean running) {
        while (running.get()) {
            String vm = vms.get(random.nextInt(vms.size()));
            int kind = random.nextInt(20);
            String method = "POST";
            String path;
            Map<String, Object> body;
            boolean read = kind < 14;
            String reads = kind < 11 ? "pool" : kind == 11 ? "session" : "db";
            if (kind < 5) {
                method = "GET";
                path = "/vmlist";
                body = null;
            } else if (kind < 9) {
                path = "/vminfo";
                body = Map.of("uuid", vm);
            } else if (kind < 11) {
                method = "GET";
                path = "/vdilist";
                body = null;
            } else if (kind < 12) {
                method = "GET";
                path = "/userinfo";
                body = null;
            } else if (kind < 14) {
                path = "/taskstatus";
                List<String> known = new ArrayList<>(tally.tasksBySession.getOrDefault(token, Set.of()));
                body = Map.of("task", known.isEmpty()
                        ? (token.equals(admin) ? referenceTask : userReferenceTask)
                        : known.get(random.nextInt(known.size())));
            } else if (kind < 19) {
                path = "/startstopvm";
                body = Map.of("uuid", vm, "enable", random.nextBoolean());
            } else {
                path = "/rebootvm";
                body = Map.of("uuid", vm);
            }
            String fault = tally.fault.get();
            long sent = System.nanoTime();
            RawHttp.Answer answer;
            try {
                answer = api.call(method, path, Api.bearer(token), body);
            } catch (RawHttp.Hang e) {
                tally.fail("hang: " + e.getMessage() + (fault == null ? "" : " during " + fault));
                continue;
            } catch (IOException e) {
                tally.fail("no answer to " + method + " " + path + ": " + e + (fault == null ? "" : " during " + fault));
                continue;
            }
            tally.requests.incrementAndGet();
            tally.byStatus.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
            if (read && fault != null && fault.equals(tally.fault.get())) {
                long noticed = tally.noticed.get();
                if (noticed != 0 && sent > noticed) {
                    tally.readsDuringFault.computeIfAbsent(reads + " " + answer.status(), s -> new AtomicInteger())
                            .incrementAndGet();
                } else if (answer.status() == 503) {
                    tally.noticed.compareAndSet(0, System.nanoTime());
                }
            }
            String what = method + " " + path + " -> " + answer.status() + " " + RawHttp.abbreviate(answer.text())
                    + (fault == null ? "" : " during " + fault);
            if (answer.status() == 503 && answer.header("Retry-After") == null) {
                tally.fail("503 without Retry-After: " + what);
            } else if (answer.status() >= 500 && answer.status() != 503) {
                tally.fail(what);
            } else if (answer.status() == 401 || answer.status() == 403 || answer.status() == 404) {
                // the callers hold their rights and sessions throughout: refusing them is losing data
                tally.fail(what);
            } else if (answer.status() == 200 && !read) {
                JsonNode task = Api.parse(answer.body()).path("task");
                if (task.isTextual()) {
                    tally.tasks.add(task.asText());
                    tally.tasksBySession.computeIfAbsent(token, t -> ConcurrentHashMap.newKeySet()).add(task.asText());
                }
            }
            LockSupport.parkNanos(PACE.toNanos());
        }
    }

    private EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres")).setCleanDataDirectory(false)
                .setPort(pgPort).setRegisterShutdownHook(false).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
