package org.vmemperor.deploy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The SSH side of the scenario's VM: a real OpenSSH server on a loopback address of its own (127.13.a.b, outside the
 * simulator's 127.10/127.11 ranges) that the scenario gives the VM as its static address, so that the simulator reports
 * it as the guest's address and a playbook run reaches this sshd. A client key generated for the run is authorized for
 * every user (the runs log in as root; the tests run as root, as CI does). {@link #playbookEnvironment()} is what the
 * playbook service needs to reach it: only this address allowed, this port, this key.
 */
final class GuestSshd implements AutoCloseable {

    private final String address;
    private final int port;
    private final Path keys;
    private final Process sshd;
    private final Set<String> users = ConcurrentHashMap.newKeySet();

    private GuestSshd(String address, int port, Path keys, Process sshd) {
        this.address = address;
        this.port = port;
        this.keys = keys;
        this.sshd = sshd;
    }

    static GuestSshd start(Path dir) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("guest-ssh"));
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("hostkey").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vmemperor-e2e", "-f", keys.resolve("client").toString());
        Files.copy(keys.resolve("client.pub"), keys.resolve("authorized_keys"));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String address = "127.13." + random.nextInt(0, 256) + "." + random.nextInt(2, 254);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(Path.of("/run/sshd"));
        Process sshd = new ProcessBuilder("/usr/sbin/sshd", "-f", "/dev/null", "-D", "-e", "-p", String.valueOf(port),
                "-o", "ListenAddress=" + address, "-o", "HostKey=" + keys.resolve("hostkey"),
                "-o", "AuthorizedKeysFile=" + keys.resolve("authorized_keys"), "-o", "StrictModes=no",
                "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no")
                .redirectErrorStream(true).redirectOutput(dir.resolve("guest-sshd.log").toFile()).start();
        GuestSshd guest = new GuestSshd(address, port, keys, sshd);
        await("sshd on " + address + ":" + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!sshd.isAlive()) {
                        throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("guest-sshd.log")));
                    }
                    return guest.listening();
                });
        return guest;
    }

    /** The VM's static address (the sshd's), in a /24 whose .1 is the gateway. */
    String address() {
        return address;
    }

    String gateway() {
        return address.substring(0, address.lastIndexOf('.')) + ".1";
    }

    /** A public key for the user the scenario's playbook creates. */
    String userPublicKey() throws IOException {
        return Files.readString(keys.resolve("client.pub")).trim();
    }

    /** Users a playbook creates on this machine (the "guest"): removed on close if the scenario did not remove them. */
    void created(String user) {
        users.add(user);
    }

    void removed(String user) {
        users.remove(user);
    }

    /** The playbook service's settings (environment variables) that let its runs reach this sshd and nothing else. */
    Map<String, String> playbookEnvironment() {
        return Map.of("VMEMPEROR_PLAYBOOKS_NETWORKS", address + "/32",
                "VMEMPEROR_PLAYBOOKS_SSH_PORT", Integer.toString(port),
                "VMEMPEROR_PLAYBOOKS_SSH_PRIVATE_KEY_FILE", keys.resolve("client").toString());
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        for (String user : users) {
            // a scenario that failed between creating and removing its user: leave nothing behind on this machine
            new ProcessBuilder("userdel", "-r", user).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
        Processes.stop(sshd);
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
