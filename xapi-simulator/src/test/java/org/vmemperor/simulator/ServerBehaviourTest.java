package org.vmemperor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.simulator.SimulatorTestSupport.login;
import static org.vmemperor.simulator.SimulatorTestSupport.post;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;

/** JSON-RPC, faults, restart with state, the installer and the console endpoint. */
class ServerBehaviourTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private XapiSimulator sim;
    private HttpServer preseedServer;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.stop();
        }
        if (preseedServer != null) {
            preseedServer.stop(0);
        }
    }

    private XapiSimulator started(XapiSimulator.Builder builder) {
        sim = builder.build();
        sim.start();
        return sim;
    }

    @Test
    void jsonRpcV1AndV2() throws Exception {
        started(XapiSimulator.builder());
        HttpResponse<String> login = post(sim, "/jsonrpc", "application/json",
                "{\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\",\"2.15\",\"t\"],\"id\":1}");
        assertThat(login.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode v1 = JSON.readTree(login.body());
        assertThat(v1.get("error").isNull()).isTrue();
        assertThat(v1.get("id").asInt()).isEqualTo(1);
        String session = v1.get("result").asText();
        JsonNode hosts = JSON.readTree(post(sim, "/jsonrpc", "application/json",
                "{\"jsonrpc\":\"2.0\",\"method\":\"host.get_all_records\",\"params\":[\"" + session + "\"],\"id\":\"a\"}")
                .body());
        assertThat(hosts.get("jsonrpc").asText()).isEqualTo("2.0");
        JsonNode host = hosts.get("result").elements().next();
        assertThat(host.get("API_version_major").isNumber()).isTrue();
        assertThat(host.get("name_label").asText()).isEqualTo("emperordev");
        assertThat(hosts.get("id").asText()).isEqualTo("a");
        // the encoder writes xapi's forms itself: dates compact, ints and booleans as JSON ones, maps as objects
        JsonNode metrics = JSON.readTree(post(sim, "/jsonrpc", "application/json",
                "{\"method\":\"host_metrics.get_all_records\",\"params\":[\"" + session + "\"],\"id\":4}").body());
        assertThat(metrics.has("jsonrpc")).isFalse();
        assertThat(metrics.get("error").isNull()).isTrue();
        JsonNode hostMetrics = metrics.get("result").elements().next();
        assertThat(hostMetrics.get("last_updated").asText()).matches("\\d{8}T\\d{2}:\\d{2}:\\d{2}Z");
        assertThat(hostMetrics.get("memory_total").isIntegralNumber()).isTrue();
        assertThat(hostMetrics.get("live").isBoolean()).isTrue();
        assertThat(hostMetrics.get("other_config").isObject()).isTrue();
        assertThat(host.get("cpu_configuration").isObject()).isTrue();
        assertThat(host.get("PBDs").isArray()).isTrue();
        JsonNode v2error = JSON.readTree(post(sim, "/jsonrpc", "application/json",
                "{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_record\",\"params\":[\"" + session + "\",\"OpaqueRef:x\"],\"id\":2}")
                .body());
        assertThat(v2error.get("error").get("message").asText()).isEqualTo("HANDLE_INVALID");
        assertThat(v2error.get("error").get("data").get(1).asText()).isEqualTo("OpaqueRef:x");
        JsonNode v1error = JSON.readTree(post(sim, "/jsonrpc", "application/json",
                "{\"method\":\"VM.get_all\",\"params\":[\"OpaqueRef:stale\"],\"id\":3}").body());
        assertThat(v1error.get("result").isNull()).isTrue();
        assertThat(v1error.get("error").get(0).asText()).isEqualTo("SESSION_INVALID");
        JsonNode unparsable = JSON.readTree(post(sim, "/jsonrpc", "application/json", "{nonsense").body());
        assertThat(unparsable.get("error").get(0).asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(unparsable.get("id").isNull()).isTrue();
        // the session from JSON-RPC works over XML-RPC too
        assertThat(Pool.getAll(new Connection(new URL(sim.url()), session))).hasSize(1);
    }

    @Test
    void latencyDropAndScriptedFailures() throws Exception {
        started(XapiSimulator.builder());
        Connection c = login(sim);
        sim.faults().latency(Duration.ofMillis(300));
        long before = System.nanoTime();
        Pool.getAll(c);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        sim.faults().clear();

        sim.faults().dropConnections(1);
        assertThatThrownBy(() -> post(sim, "/", "text/xml", SimulatorTestSupport.xmlCall("system.listMethods")))
                .isInstanceOf(IOException.class);
        assertThat(post(sim, "/", "text/xml", SimulatorTestSupport.xmlCall("system.listMethods")).statusCode())
                .isEqualTo(200);

        sim.faults().failNext("VM.get_all", "HOST_IS_SLAVE", "10.0.0.2");
        assertThatThrownBy(() -> VM.getAll(c)).isInstanceOfSatisfying(Types.HostIsSlave.class,
                e -> assertThat(e.masterIPAddress).isEqualTo("10.0.0.2"));
        assertThat(VM.getAll(c)).isNotEmpty();

        // a method's latency holds that method only: another call is answered while it is still held (order and
        // outcome, not a wall-clock bound, which a loaded machine can exceed). Last, since the held call stays in
        // flight until the simulator stops; and only once it is held, or a late arrival could take a fault above.
        sim.faults().clear().latency("VM.get_all", Duration.ofMinutes(2));
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<Set<VM>> held = caller.submit(() -> VM.getAll(c));
            await().atMost(Duration.ofSeconds(30)).until(() -> sim.faults().callsHeld() == 1);
            assertThat(Pool.getAll(c)).hasSize(1);
            assertThat(held).isNotDone();
        } finally {
            caller.shutdownNow(); // the held call ends with the simulator's stop
        }
    }

    @Test
    void restartKeepsStateDropsSessionsAndRefusesWhileDown(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("pool.json");
        started(XapiSimulator.builder().stateFile(state));
        int port = sim.port();
        Connection c = login(sim);
        Network made = Network.create(c, network("survivor"));
        sim.stop();
        assertThatThrownBy(() -> Pool.getAll(c)).isInstanceOf(Exception.class);
        sim.start();
        assertThat(sim.port()).isEqualTo(port);
        assertThatThrownBy(() -> Pool.getAll(c)).isInstanceOf(Types.SessionInvalid.class);
        Connection again = login(sim);
        assertThat(made.getNameLabel(again)).isEqualTo("survivor");
        sim.restart();
        assertThat(made.getNameLabel(login(sim))).isEqualTo("survivor");
        sim.stop();

        // a new simulator on the same file: the saved pool, every field typed as before
        sim = XapiSimulator.builder().stateFile(state).build();
        sim.start();
        Connection fresh = login(sim);
        assertThat(Network.getByNameLabel(fresh, "survivor")).hasSize(1);
        for (VM vm : VM.getAll(fresh)) {
            SdkProtocolTest.assertNoNullField(vm.getRecord(fresh));
        }
        VM running = VM.getByNameLabel(fresh, "ubuntu-vm-01").iterator().next();
        assertThat(running.getConsoles(fresh).iterator().next().getLocation(fresh))
                .contains(":" + sim.port() + "/console");
    }

    @Test
    void aRunningSimulatorWritesItsStateBehindSoACrashLosesOnlySeconds(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("pool.json");
        started(XapiSimulator.builder().stateFile(state).saveInterval(Duration.ofMillis(100)));
        Connection c = login(sim);
        Network made = Network.create(c, network("written behind"));
        String uuid = made.getUuid(c);

        // no stop(): as if the process were killed, the file must already hold the change
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(state)
                && Files.readString(state).contains("written behind"));
        assertThat(dir.resolve("pool.json.tmp")).as("written through a temporary file, then renamed")
                .doesNotExist();
        // the file as a kill -9 would leave it (stop() would save once more)
        Path atCrash = Files.copy(state, dir.resolve("at-crash.json"));
        sim.stop();
        started(XapiSimulator.builder().stateFile(atCrash).saveInterval(Duration.ZERO));
        Connection again = login(sim);
        assertThat(Network.getByUuid(again, uuid).getNameLabel(again)).isEqualTo("written behind");
    }

    @Test
    void installerFetchesPowersOffAndBootsTheInstalledSystem() throws Exception {
        preseedServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] preseed = ("d-i debian-installer/locale string en_US\n"
                + "d-i netcfg/get_ipaddress string 192.168.7.42\n"
                + "d-i debian-installer/exit/poweroff boolean true\n").getBytes(StandardCharsets.UTF_8);
        preseedServer.createContext("/preseed.cfg", exchange -> {
            exchange.sendResponseHeaders(200, preseed.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(preseed);
            }
        });
        preseedServer.start();
        started(XapiSimulator.builder().installSeconds(0.5));
        Connection c = login(sim);
        VM vm = installable(c, "installed", "http://127.0.0.1:" + preseedServer.getAddress().getPort()
                + "/preseed.cfg");
        vm.start(c, false, false);
        String uuid = vm.getUuid(c);
        await().atMost(Duration.ofSeconds(10)).until(() -> !sim.installerFetches(uuid).isEmpty());
        assertThat(sim.installerFetches(uuid)).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(200);
            assertThat(f.body()).contains("get_ipaddress");
        });
        assertThat(vm.getGuestMetrics(c).toWireString()).isEqualTo("OpaqueRef:NULL");
        await().atMost(Duration.ofSeconds(10)).until(() -> vm.getPowerState(c) == Types.VmPowerState.HALTED);
        assertThat(vm.getPVBootloader(c)).isEqualTo("pygrub");
        vm.start(c, false, false);
        Map<String, String> networks = vm.getGuestMetrics(c).getNetworks(c);
        // a static address outside loopback is never reported: the guest gets a loopback lease instead
        assertThat(networks.get("0/ip")).startsWith("127.11.").isEqualTo(networks.get("0/ipv4/0"));
        assertThat(vm.getGuestMetrics(c).getOsVersion(c)).containsEntry("distro", "debian");
    }

    @Test
    void everyGuestAddressIsLoopbackAndTestsCanSetOne() throws Exception {
        started(XapiSimulator.builder().demoVms(300));
        Connection c = login(sim);
        Map<String, Map<String, Object>> guests = sim.pool().records("VM_guest_metrics");
        assertThat(guests).hasSizeGreaterThan(150);
        for (Map<String, Object> guest : guests.values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> networks = (Map<String, Object>) guest.get("networks");
            assertThat((String) networks.get("0/ip")).matches("127\\.10\\.\\d+\\.\\d+");
        }
        String running = sim.pool().records("VM").values().stream()
                .filter(vm -> "Running".equals(vm.get("power_state")) && !Boolean.TRUE.equals(vm.get("is_control_domain")))
                .map(vm -> (String) vm.get("uuid")).findFirst().orElseThrow();
        sim.pool().guestIp(running, "127.0.0.1");
        VM vm = VM.getByUuid(c, running);
        assertThat(vm.getGuestMetrics(c).getNetworks(c)).containsEntry("0/ip", "127.0.0.1");
        vm.cleanReboot(c);
        assertThat(vm.getGuestMetrics(c).getNetworks(c)).as("kept across reboots").containsEntry("0/ip", "127.0.0.1");
    }

    @Test
    void stateFromAnOlderSimulatorIsMovedToLoopback(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state.json");
        started(XapiSimulator.builder().stateFile(state));
        String running = sim.pool().records("VM").values().stream()
                .filter(vm -> "Running".equals(vm.get("power_state")) && !Boolean.TRUE.equals(vm.get("is_control_domain")))
                .map(vm -> (String) vm.get("uuid")).findFirst().orElseThrow();
        sim.pool().guestIp(running, "10.10.10.2");
        sim.stop();
        started(XapiSimulator.builder().stateFile(state));
        Connection c = login(sim);
        assertThat(VM.getByUuid(c, running).getGuestMetrics(c).getNetworks(c).get("0/ip")).startsWith("127.11.");
    }

    @Test
    void installerThatCannotFetchHangsRunning() throws Exception {
        started(XapiSimulator.builder().installSeconds(0.2));
        Connection c = login(sim);
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        VM vm = installable(c, "hung", "http://127.0.0.1:" + closedPort + "/ks.cfg");
        vm.start(c, false, false);
        String uuid = vm.getUuid(c);
        await().atMost(Duration.ofSeconds(10)).until(() -> !sim.installerFetches(uuid).isEmpty());
        assertThat(sim.installerFetches(uuid).get(0).status()).isEqualTo(-1);
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> vm.getPowerState(c) == Types.VmPowerState.RUNNING);
        assertThat(vm.getPVBootloader(c)).isEqualTo("eliloader");
    }

    private static VM installable(Connection c, String name, String answerFile) throws Exception {
        VM vm = VM.getByNameLabel(c, "Debian Bookworm 12").iterator().next().createClone(c, name);
        vm.provision(c);
        vm.addToOtherConfig(c, "install-repository", "http://deb.debian.org/debian");
        vm.setPVArgs(c, "auto=true priority=critical preseed/url=" + answerFile + " console=hvc0");
        return vm;
    }

    @Test
    void consoleConnectAndWebSocket() throws Exception {
        started(XapiSimulator.builder());
        Connection c = login(sim);
        VM vm = VM.getByNameLabel(c, "ubuntu-vm-01").iterator().next();
        String location = vm.getConsoles(c).stream().filter(con -> {
            try {
                return con.getProtocol(c) == Types.ConsoleProtocol.RFB;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow().getLocation(c);
        String pathAndQuery = location.substring(location.indexOf("/console"));
        assertThat(connect(pathAndQuery + "&session_id=" + c.getSessionReference(), "")).startsWith("HTTP/1.1 200")
                .contains("RFB 003.008");
        // an HTTP/1.0 CONNECT (as xapi's own clients send) is answered in its version
        assertThat(connect10(pathAndQuery + "&session_id=" + c.getSessionReference())).startsWith("HTTP/1.0 200");
        String basic = java.util.Base64.getEncoder().encodeToString("root:secret".getBytes(StandardCharsets.UTF_8));
        assertThat(connect(pathAndQuery, "Authorization: Basic " + basic + "\r\n")).startsWith("HTTP/1.1 200");
        assertThat(connect(pathAndQuery, "Cookie: session_id=" + c.getSessionReference() + "\r\n"))
                .startsWith("HTTP/1.1 200");
        assertThat(connect(pathAndQuery, "")).startsWith("HTTP/1.1 401");
        assertThat(connect(pathAndQuery + "&session_id=OpaqueRef:bad", "")).startsWith("HTTP/1.1 403");
        assertThat(connect("/console?uuid=nope&session_id=" + c.getSessionReference(), ""))
                .startsWith("HTTP/1.1 404");

        java.net.http.WebSocket ws = SimulatorTestSupport.HTTP.newWebSocketBuilder().subprotocols("binary")
                .header("Cookie", "session_id=" + c.getSessionReference())
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + sim.port() + pathAndQuery),
                        new java.net.http.WebSocket.Listener() {
                        })
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ws.getSubprotocol()).isEqualTo("binary");
        ws.abort();
        Session.logout(c);
    }

    private String connect(String target, String headers) throws IOException {
        return rawConnect("CONNECT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
    }

    private String connect10(String target) throws IOException {
        return rawConnect("CONNECT " + target + " HTTP/1.0\r\n\r\n");
    }

    private String rawConnect(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", sim.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder text = new StringBuilder();
            byte[] buffer = new byte[1024];
            long deadline = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < deadline && !text.toString().contains("RFB")
                    && !(text.toString().contains("\r\n\r\n") && !text.toString().startsWith("HTTP/1.1 200"))) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (java.net.SocketTimeoutException e) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            return text.toString();
        }
    }

    private static Network.Record network(String name) {
        Network.Record record = new Network.Record();
        record.nameLabel = name;
        record.otherConfig = Map.of();
        return record;
    }
}
