package org.vmemperor.vm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Makes the application reachable by the simulator's installer at {@code vmemperor.public-url}. The URL must be known
 * before the application starts (it is configuration), but {@code quarkus.http.test-port=0} only settles the port
 * after start-up; so this picks a free port and fixes the test port to it. The watcher scans every second, so tests
 * of restarts need not wait long.
 */
public class PublicUrlResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
        return Map.of("quarkus.http.test-port", Integer.toString(port),
                "quarkus.http.test-host", "127.0.0.1",
                "vmemperor.public-url", "http://127.0.0.1:" + port,
                "vmemperor.install.watch-interval", "1s");
    }

    @Override
    public void stop() {
        // nothing held
    }
}
