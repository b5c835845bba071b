package org.vmemperor.playbook.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.vmemperor.playbook.service.Workspaces;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real OpenSSH server on a free port of 127.0.0.1 that stands in for the VMs (the simulator reports their guest
 * address as 127.0.0.1): a host key and a client key generated for the run, the client's public key authorized for
 * every user (root included: CI runs as root), and the service pointed at it through config. Also a playbook
 * directory holding the shipped {@code user-ssh-key} playbook plus the test playbooks of
 * {@code src/test/resources/test-playbooks}.
 */
public class SshdResource implements QuarkusTestResourceLifecycleManager {

    private Path root;
    private Process sshd;
    private Sshd sshdInfo;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("vmemperor-playbook-test");
            Path keys = Files.createDirectory(root.resolve("keys"));
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("hostkey").toString());
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vmemperor-test", "-f",
                    keys.resolve("client").toString());
            String publicKey = Files.readString(keys.resolve("client.pub")).trim();
            Files.writeString(keys.resolve("authorized_keys"), publicKey + "\n");
            int port = freePort();
            Files.createDirectories(Path.of("/run/sshd"));
            sshd = new ProcessBuilder("/usr/sbin/sshd", "-f", "/dev/null", "-D", "-e", "-p", String.valueOf(port),
                    "-o", "ListenAddress=127.0.0.1", "-o", "HostKey=" + keys.resolve("hostkey"),
                    "-o", "AuthorizedKeysFile=" + keys.resolve("authorized_keys"), "-o", "StrictModes=no",
                    "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no")
                    .redirectErrorStream(true).redirectOutput(root.resolve("sshd.log").toFile()).start();
            Awaitility.await("sshd listens on 127.0.0.1:" + port).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).until(() -> listening(port));
            Path playbooks = Files.createDirectory(root.resolve("playbooks"));
            copy(shipped("user-ssh-key"), playbooks.resolve("user-ssh-key"));
            try (Stream<Path> tests = Files.list(Path.of("src/test/resources/test-playbooks"))) {
                for (Path test : tests.toList()) {
                    copy(test, playbooks.resolve(test.getFileName().toString()));
                }
            }
            sshdInfo = new Sshd(port, publicKey, playbooks, root.resolve("logs"), root.resolve("work"),
                    Files.createDirectory(root.resolve("scratch")));
            Map<String, String> config = new HashMap<>();
            config.put("vmemperor.playbooks.dir", playbooks.toString());
            config.put("vmemperor.playbooks.logs-dir", sshdInfo.logs().toString());
            config.put("vmemperor.playbooks.work-dir", sshdInfo.work().toString());
            // only the sshd's address: 127.0.0.2 and the rest of loopback stand for guests outside the allowed networks
            config.put("vmemperor.playbooks.networks", "127.0.0.1/32");
            config.put("vmemperor.playbooks.ssh-private-key-file", keys.resolve("client").toString());
            config.put("vmemperor.playbooks.ssh-port", String.valueOf(port));
            config.put("vmemperor.playbooks.max-concurrent-runs", "1");
            config.put("vmemperor.playbooks.heartbeat-interval", "1s");
            config.put("vmemperor.playbooks.stale-after", "30s");
            config.put("vmemperor.playbooks.node-name", "playbook-test-node");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(sshdInfo, new TestInjector.AnnotatedAndMatchesType(InjectSshd.class, Sshd.class));
    }

    @Override
    public void stop() {
        if (sshd != null) {
            sshd.destroy();
            try {
                sshd.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (root != null) {
            delete(root);
        }
    }

    /** The repository's shipped playbook of that name (tests run from the module's folder). */
    private static Path shipped(String id) {
        return Path.of("..", "ansible", id).toAbsolutePath().normalize();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static void run(String... command) throws IOException {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    static void delete(Path dir) {
        try {
            Workspaces.deleteTree(dir);
        } catch (IOException e) {
            // a temporary directory: nothing depends on it being gone
        }
    }
}
