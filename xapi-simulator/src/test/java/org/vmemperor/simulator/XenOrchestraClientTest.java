package org.vmemperor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Xen Orchestra's own XenAPI client (npm {@code xen-api}, pinned in src/test/js/package.json) against the
 * simulator: a client written by someone else, with its own transport negotiation, event loop and task handling,
 * is the strongest evidence that the simulator speaks the protocol and not just our reading of it. The Node side
 * (xo-client-check.mjs) does the work and reports facts as one JSON line; this test checks them.
 *
 * <p>
 * Node and npm are required: CI installs them, so a missing one fails here instead of skipping, which would let
 * the check silently stop running.
 */
class XenOrchestraClientTest {
    private static final Logger LOG = Logger.getLogger(XenOrchestraClientTest.class);
    private static final String PASSWORD = "secret";
    private static final List<String> JS_FILES = List.of("package.json", "package-lock.json", "xo-client-check.mjs");
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    // the script gives up after 60 s on its own; this only guards against a node that does not exit
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path workDir;
    private static String node;
    private static String pinnedVersion;

    private XapiSimulator simulator;

    @BeforeAll
    static void installXenOrchestraClient() throws Exception {
        node = executable("node");
        String npm = executable("npm");
        Path moduleDir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path sources = moduleDir.resolve("src/test/js");
        // node_modules goes under target/ so that it never lands in the source tree
        workDir = moduleDir.resolve("target/xo-client");
        Files.createDirectories(workDir);
        for (String name : JS_FILES) {
            Files.copy(sources.resolve(name), workDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        Result version = run(List.of(node, "--version"), Duration.ofSeconds(30), "node-version");
        String major = version.stdout().strip().replaceFirst("^v", "").replaceFirst("\\..*", "");
        if (version.exitCode() != 0 || !major.matches("\\d+") || Integer.parseInt(major) < 18) {
            fail(node + " --version said '" + version.stdout().strip() + "': xen-api needs Node.js 18 or newer");
        }
        pinnedVersion = JSON.readTree(workDir.resolve("package.json").toFile()).path("dependencies").path("xen-api")
                .asText();

        // npm ci wipes and refetches node_modules; skip it when the installed tree came from this very lock file
        Path installedLock = workDir.resolve("node_modules/.installed-from-package-lock.json");
        String lock = Files.readString(workDir.resolve("package-lock.json"));
        if (Files.exists(installedLock) && Files.readString(installedLock).equals(lock)) {
            LOG.infof("xen-api %s already installed in %s", pinnedVersion, workDir);
            return;
        }
        Result install = run(List.of(npm, "ci", "--no-audit", "--no-fund"), NPM_TIMEOUT, "npm-ci");
        if (install.exitCode() != 0) {
            fail("npm ci failed in " + workDir + " (exit " + install.exitCode() + "):\n" + install.stderr()
                    + install.stdout());
        }
        Files.writeString(installedLock, lock);
    }

    @BeforeEach
    void startSimulator() {
        simulator = XapiSimulator.builder().port(0).rootPassword(PASSWORD).demoVms(3).installSeconds(1).build();
        simulator.start();
    }

    @AfterEach
    void stopSimulator() {
        if (simulator != null) {
            simulator.stop();
        }
    }

    @Test
    void autoTransportSettlesOnJsonRpcAndEverythingWorks() throws Exception {
        JsonNode facts = check("auto");

        // xen-api falls back to XML-RPC without a word when /jsonrpc answers with anything but exactly
        // application/json, so only the paths show that JSON-RPC was really accepted
        assertThat(texts(facts.path("paths"))).containsExactly("/jsonrpc");
        assertWorkingClient(facts);
    }

    @Test
    void xmlRpcTransportWorks() throws Exception {
        // what XO uses against hosts that predate JSON-RPC: the same script, forced onto /xmlrpc
        JsonNode facts = check("xml-rpc");

        assertThat(texts(facts.path("paths"))).containsExactly("/xmlrpc");
        assertWorkingClient(facts);
    }

    private void assertWorkingClient(JsonNode facts) {
        assertThat(facts.path("xenApiVersion").asText()).isEqualTo(pinnedVersion);
        // the connect sequence the protocol notes describe; it is what decides which classes get watched
        assertThat(texts(facts.path("firstCalls"))).startsWith("session.login_with_password",
                "pool.get_all_records", "system.listMethods", "event.inject");
        assertThat(facts.path("status").asText()).isEqualTo("connected");
        for (String type : List.of("pool", "host", "VM", "network", "SR", "VDI", "VBD", "VIF", "PIF")) {
            assertThat(facts.path("counts").path(type).asInt()).as("loaded %s objects", type).isPositive();
        }
        assertThat(facts.path("events").path("add").asInt()).isPositive();
        assertThat(facts.path("update").path("seen").asBoolean()).isTrue();
        assertThat(facts.path("task").path("name_label").asText()).isEqualTo("Async.VM.start");
        assertThat(facts.path("task").path("status").asText()).isEqualTo("success");
        assertThat(facts.path("task").path("progress").asDouble()).isEqualTo(1.0);
        assertThat(facts.path("vmPowerState").asText()).isEqualTo("Running");
        assertThat(facts.path("vmResidentOnHost").asBoolean()).isTrue();
        assertThat(facts.path("taskRemoved").asBoolean()).isTrue();
        assertThat(facts.path("vmPowerStateAfterShutdown").asText()).isEqualTo("Halted");
        assertThat(facts.path("barrier").asBoolean()).isTrue();
        assertThat(facts.path("clone").path("type").asText()).isEqualTo("VM");
        assertThat(facts.path("clone").path("removed").asBoolean()).isTrue();
        // one fetch at connect; more means valid_ref_counts.task disagreed with the task events
        assertThat(facts.path("taskFetches").asInt()).isEqualTo(1);
        assertThat(facts.path("relogin").path("newSession").asBoolean()).isTrue();
        // event.from blocks while nothing changes: an answer-at-once server shows ~7 polls in the 1.5 s window
        assertThat(facts.path("idleEventPolls").asInt()).isLessThanOrEqualTo(2);
        assertThat(facts.path("warnings")).isEmpty();
    }

    private JsonNode check(String transport) throws Exception {
        String url = simulator.url();
        Result result = run(List.of(node, "xo-client-check.mjs", url, PASSWORD, transport), SCRIPT_TIMEOUT,
                "check-" + transport);
        if (result.exitCode() != 0) {
            fail("xo-client-check.mjs against " + url + " with transport " + transport + " exited "
                    + result.exitCode() + ":\n" + result.stderr() + result.stdout());
        }
        List<String> lines = result.stdout().lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).as("stdout of xo-client-check.mjs").isNotEmpty();
        JsonNode facts = JSON.readTree(lines.get(lines.size() - 1));
        LOG.infof("xen-api %s over %s: %s", pinnedVersion, transport, facts);
        return facts;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs in the work dir; output goes to files so that a chatty process cannot block on a full pipe. */
    private static Result run(List<String> command, Duration timeout, String logName)
            throws IOException, InterruptedException {
        Path out = workDir.resolve(logName + ".out");
        Path err = workDir.resolve(logName + ".err");
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                    + Files.readString(err, StandardCharsets.UTF_8) + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String executable(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        Optional<Path> found = Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            fail("'" + name + "' is not on the PATH (" + path + "): XenOrchestraClientTest needs Node.js 18+ and npm"
                    + " to run Xen Orchestra's xen-api client; install them (CI does)");
        }
        return found.get().toString();
    }
}
