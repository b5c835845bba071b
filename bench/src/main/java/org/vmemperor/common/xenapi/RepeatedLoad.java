package org.vmemperor.common.xenapi;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * The service's first load of a pool ({@link JsonRpcLoader#perClass}, as the event feed makes it) repeated in one JVM:
 * the first load pays for a new JVM (interpreter, JIT, heap growth) as the service's start does, the later ones show
 * what the same load costs once compiled (what a reload after EVENTS_LOST or a reconnect costs a running service).
 * bench/load-cpu.sh runs it; in common's package because the loader is the event feed's own.
 * <p>
 * Usage: {@code RepeatedLoad URL PASSWORD [LOADS]}; prints one line per load: its time and the CPU this JVM used
 * meanwhile (all its threads: the loaders, the JIT's compilers, the collector).
 */
public final class RepeatedLoad {

    private RepeatedLoad() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: RepeatedLoad URL PASSWORD [LOADS]");
            System.exit(2);
        }
        XenApiConfig config = new BenchConfig(args[0], args[1]);
        int loads = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        PoolSession session = new PoolSession(config, config::url);
        JsonRpcLoader loader = new JsonRpcLoader(config);
        com.sun.management.OperatingSystemMXBean system = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        for (int load = 1; load <= loads; load++) {
            long started = System.nanoTime();
            long cpuBefore = system.getProcessCpuTime();
            JsonRpcLoader.Loaded loaded = loader.perClass(session, EventFeed.CLASSES);
            long millis = (System.nanoTime() - started) / 1_000_000;
            long cpuMillis = (system.getProcessCpuTime() - cpuBefore) / 1_000_000;
            System.out.printf("load %d: %d objects in %d ms, CPU of this JVM meanwhile %d ms%n", load, loaded.count(),
                    millis, cpuMillis);
        }
        System.exit(0);
    }

    /**
     * XenApiConfig's {@code @WithDefault} values with the pool's URL and password, written out: SmallRye Config builds a
     * mapping's implementation with ASM, which is not on this module's class path.
     */
    private record BenchConfig(String poolUrl, String poolPassword) implements XenApiConfig {

        @Override
        public Optional<String> url() {
            return Optional.of(poolUrl);
        }

        @Override
        public String username() {
            return "root";
        }

        @Override
        public String password() {
            return poolPassword;
        }

        @Override
        public Duration connectTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration replyTimeout() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Duration eventPollTimeout() {
            return Duration.ofSeconds(30);
        }

        @Override
        public Duration reconnectInitialDelay() {
            return Duration.ofMillis(200);
        }

        @Override
        public Duration reconnectMaxDelay() {
            return Duration.ofSeconds(1);
        }

        @Override
        public InitialLoad initialLoad() {
            return InitialLoad.JSON_PER_CLASS;
        }
    }
}
