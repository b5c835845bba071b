package org.vmemperor.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher users start the standalone with ({@code bin/vmemperor-run}, the root README's command) and its
 * class-data archive, on a copy of the packaged application so that the build's own is left alone. On JDK 17 it makes
 * none (JDK-8306460, see the launcher) and sets its memory options; on JDK 25 and later a first start makes an AOT
 * cache when it stops, the next one maps it, a damaged one is refused and made again, a rebuilt application gets a new
 * one and the old one goes, and a directory it cannot write does not stop the start. Behaviour only: how much faster a
 * start is, is measured by bench/standalone-startup.sh.
 */
class LauncherIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path LAUNCHER = Path.of("..", "bin", "vmemperor-run").toAbsolutePath().normalize();
    /**
     * The JDK 25 or later the AOT cache is tested with: {@code -Dvmemperor.test.aot-jdk=<java home>}, else the newest
     * under /usr/lib/jvm; {@code none} leaves it untested on a machine without one (the test then says so).
     */
    private static final String AOT_JDK = System.getProperty("vmemperor.test.aot-jdk", "");

    private Path work;
    private Path app;
    private Process process;
    private int runs;

    @BeforeEach
    void copyTheApplication() throws IOException {
        work = Files.createTempDirectory("vmemperor-launcher-it");
        app = work.resolve("quarkus-app");
        Path built = Path.of("target", "quarkus-app").toAbsolutePath();
        try (Stream<Path> files = Files.walk(built)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = built.relativize(file);
                if (relative.startsWith("cds")) {
                    continue;
                }
                Path copy = app.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
    }

    @AfterEach
    void stopAndClean() throws Exception {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
        Path pidFile = work.resolve("data").resolve("postgres").resolve("postmaster.pid");
        if (Files.isRegularFile(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(file -> file.toFile().delete());
        }
    }

    @Test
    void onJdk17StartsWithoutAnArchiveAndWithItsMemorySettings() throws Exception {
        Runtime.Version jdk = Runtime.version();
        Assumptions.assumeTrue(jdk.feature() < 21, "the build's JDK makes archives (21 or later): see the JDK 25 test");
        // an archive the launcher made on 17 before it stopped doing so (named after the application's directory)
        String appHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((app.toString() + "\n").getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        Path stale = Files.createDirectories(app.resolve("cds")).resolve("app-" + appHash + "-0123456789abcdef.jsa");
        Files.writeString(stale, "an old archive");
        String log = startUntilReady(Map.of());
        // an archive of JDK 17 can keep hot methods from ever being compiled (JDK-8306460): none is made or mapped
        assertThat(log).contains("no class-data archive on JDK " + jdk.feature());
        // glibc's arenas are limited unless the caller says otherwise
        assertThat(environment()).contains("MALLOC_ARENA_MAX=2");
        // the serial collector and a small initial heap unless the options name others
        assertThat(commandLine()).contains("-XX:+UseSerialGC", "-Xms32m");
        // memory given back after a load: the heap's free share, and glibc's free arenas on a JDK that can trim them
        // (the launcher runs this JVM's JDK)
        assertThat(commandLine()).contains("-XX:MinHeapFreeRatio=25", "-XX:MaxHeapFreeRatio=30");
        // a young generation of at most 24 MB: all of it is resident between two collections
        assertThat(commandLine()).contains("-XX:MaxNewSize=24m");
        if (jdk.update() >= 9) {
            assertThat(commandLine()).contains("-XX:TrimNativeHeapInterval=5000");
        } else {
            assertThat(commandLine()).doesNotContain("-XX:TrimNativeHeapInterval=5000");
        }
        assertThat(commandLine()).doesNotContain("ArchiveClassesAtExit", "SharedArchiveFile");
        stopCleanly();
        assertThat(stale).as("the old archive is deleted").doesNotExist();
        try (Stream<Path> files = Files.list(app.resolve("cds"))) {
            assertThat(files).isEmpty();
        }

        // options that name a collector and a heap replace the launcher's
        startUntilReady(Map.of("JAVA_OPTS", "-XX:+UseG1GC -Xmx256m"));
        assertThat(commandLine()).contains("-XX:+UseG1GC", "-Xmx256m").doesNotContain("-XX:+UseSerialGC", "-Xms32m",
                "-XX:MaxHeapFreeRatio=30", "-XX:TrimNativeHeapInterval=5000", "-XX:MaxNewSize=24m");
        stopCleanly();
    }

    @Test
    void onJdk25MakesReusesRefusesAndRemakesAnAotCache() throws Exception {
        Path jdk = aotJdk();
        Map<String, String> onJdk25 = Map.of("JAVA_HOME", jdk.toString(), "MALLOC_ARENA_MAX", "4");
        // first start: no archive yet, the JVM writes it when it stops
        String log = startUntilReady(onJdk25);
        assertThat(log).contains("no class-data archive yet");
        // JDK 24+'s warnings about Netty's sun.misc.Unsafe and Brotli4j's native access are not printed
        assertThat(log).doesNotContain("WARNING: A terminally deprecated method", "WARNING: A restricted method");
        assertThat(environment()).contains("MALLOC_ARENA_MAX=4");
        assertThat(commandLine()).contains("-XX:+UseSerialGC", "-Xms32m", "-XX:TrimNativeHeapInterval=5000",
                "-XX:MaxHeapFreeRatio=30", "-XX:MaxNewSize=24m");
        stopCleanly();
        Path cache = onlyArchive();
        assertThat(cache.getFileName().toString()).endsWith(".aot");

        // second start: the archive is checked and mapped into the JVM
        log = startUntilReady(onJdk25);
        assertThat(log).doesNotContain("vmemperor-run:");
        assertThat(mappedFiles()).contains(cache.toString());
        stopCleanly();
        assertThat(onlyArchive()).isEqualTo(cache);

        // a damaged archive (bytes overwritten in its middle) is refused by the JVM's check, the application starts
        // without it and writes a good one when it stops
        damageTheMiddleOf(cache);
        log = startUntilReady(onJdk25);
        assertThat(log).contains("refused by the JVM");
        assertThat(mappedFiles()).doesNotContain(cache.toString());
        stopCleanly();
        assertThat(onlyArchive()).isEqualTo(cache);
        log = startUntilReady(onJdk25);
        assertThat(log).doesNotContain("vmemperor-run:");
        assertThat(mappedFiles()).contains(cache.toString());
        stopCleanly();

        // a rebuilt application (a jar of its own class loader changed: the JVM would not notice) gets a new archive,
        // and the old one is deleted
        try (Stream<Path> jars = Files.list(app.resolve("lib").resolve("main"))) {
            Path jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
            Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        }
        log = startUntilReady(onJdk25);
        assertThat(log).contains("no class-data archive yet");
        assertThat(Files.exists(cache)).as("the old archive is deleted").isFalse();
        stopCleanly();
        assertThat(onlyArchive()).isNotEqualTo(cache);

        // an archive directory that cannot be made (under a regular file; root may write anywhere else) only costs the
        // archive
        Path file = Files.writeString(work.resolve("a-file"), "");
        Map<String, String> unwritable = new HashMap<>(onJdk25);
        unwritable.put("VMEMPEROR_CDS_DIR", file.resolve("cds").toString());
        log = startUntilReady(unwritable);
        assertThat(log).contains("starting without a class-data archive");
        stopCleanly();
    }

    /** Bytes overwritten in the middle of the file: a damaged body, which only the archive's checksums reveal. */
    private static void damageTheMiddleOf(Path archive) throws IOException {
        archive.toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.seek(file.length() / 2);
            file.write("damaged!".getBytes());
        }
    }

    private static Path aotJdk() throws IOException {
        Assumptions.assumeFalse(AOT_JDK.equals("none"), "-Dvmemperor.test.aot-jdk=none: the AOT cache is not tested");
        if (!AOT_JDK.isEmpty()) {
            return Path.of(AOT_JDK);
        }
        Optional<Path> found;
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            found = homes.filter(home -> featureRelease(home) >= 25).max(Comparator.comparing(LauncherIT::featureRelease));
        }
        return found.orElseThrow(() -> new AssertionError("no JDK 25 or later under /usr/lib/jvm to test the AOT cache"
                + " with: install one, name it with -Dvmemperor.test.aot-jdk=<java home>, or pass"
                + " -Dvmemperor.test.aot-jdk=none"));
    }

    /** 25 for a JDK whose release file says JAVA_VERSION="25.0.3"; 0 for anything else. */
    private static int featureRelease(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=\"") && Files.isExecutable(home.resolve("bin").resolve("java"))) {
                    return Integer.parseInt(line.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not a JDK
        }
        return 0;
    }

    private String startUntilReady(Map<String, String> extra) throws Exception {
        int port = freePort();
        Path log = work.resolve("run" + (++runs) + ".log");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), app.resolve("quarkus-run.jar").toString());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("QUARKUS_DATASOURCE")
                || name.startsWith("VMEMPEROR_") || name.startsWith("JAVA_OPTS") || name.equals("MALLOC_ARENA_MAX"));
        Map<String, String> settings = new HashMap<>(Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "VMEMPEROR_DATA_DIR", work.resolve("data").toString(),
                "VMEMPEROR_PLAYBOOKS_DIR", Path.of("..", "ansible").toAbsolutePath().normalize().toString(),
                "VMEMPEROR_PLAYBOOKS_LOGS_DIR", work.resolve("playbook-logs").toString(),
                "VMEMPEROR_PLAYBOOKS_WORK_DIR", work.resolve("playbook-runs").toString()));
        settings.putAll(extra);
        env.putAll(settings);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        process = builder.start();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            assertThat(process.isAlive()).as("standalone alive, see " + log).isTrue();
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return ready.statusCode() == 200;
        });
        return Files.readString(log);
    }

    /** SIGTERM, and the end of the JVM, which writes the archive after the application stopped. */
    private void stopCleanly() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("stopped").isTrue();
        process = null;
    }

    private Path onlyArchive() throws IOException {
        try (Stream<Path> files = Files.list(app.resolve("cds"))) {
            List<Path> archives = files.filter(p -> p.getFileName().toString().matches(".*[.](jsa|aot)")).toList();
            assertThat(archives).as("one archive, after the run logged:%n%s",
                    Files.readString(work.resolve("run" + runs + ".log"))).hasSize(1);
            return archives.get(0);
        }
    }

    /** The running application's environment, one NAME=value per line. */
    private String environment() throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ"))).replace('\0',
                '\n');
    }

    /** The running JVM's arguments, one per line. */
    private List<String> commandLine() throws IOException {
        return List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")))
                .split("\0"));
    }

    private String mappedFiles() throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(process.pid()), "maps"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
