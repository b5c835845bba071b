package org.vmemperor.console.testing;

import java.net.URI;
import java.util.Map;

import org.vmemperor.simulator.XapiSimulator;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

/**
 * Fresh VMs for each test, made through the real SDK as any XenAPI client would: clones of the demo pool's first
 * halted VM (which no test changes), started or not. Test classes share one simulator, so each test has its own VMs.
 */
public final class TestVms {

    private final XapiSimulator simulator;

    public TestVms(XapiSimulator simulator) {
        this.simulator = simulator;
    }

    /** A new halted VM; answers its uuid. */
    public String halted(String name) {
        return call(connection -> {
            VM clone = VM.getByUuid(connection, goldenVm()).createClone(connection, name);
            return clone.getUuid(connection);
        });
    }

    /** A new running VM (with its rfb console); answers its uuid. */
    public String running(String name) {
        String uuid = halted(name);
        call(connection -> {
            VM.getByUuid(connection, uuid).start(connection, false, false);
            return null;
        });
        return uuid;
    }

    /** Shuts a VM down hard through XenAPI, as an administrator or another tool would. */
    public void hardShutdown(String uuid) {
        call(connection -> {
            VM.getByUuid(connection, uuid).hardShutdown(connection);
            return null;
        });
    }

    public Map<String, Object> record(String uuid) {
        return simulator.pool().record("VM", uuid);
    }

    /** The location of the VM's rfb console, as the pool publishes it. */
    public String consoleLocation(String uuid) {
        for (Object ref : (Iterable<?>) record(uuid).get("consoles")) {
            Map<String, Object> console = simulator.pool().record("console", (String) ref);
            if ("rfb".equals(console.get("protocol"))) {
                return (String) console.get("location");
            }
        }
        throw new IllegalStateException("VM " + uuid + " has no rfb console");
    }

    private String goldenVm() {
        return simulator.pool().records("VM").values().stream()
                .filter(vm -> !Boolean.TRUE.equals(vm.get("is_a_template"))
                        && !Boolean.TRUE.equals(vm.get("is_control_domain"))
                        && String.valueOf(vm.get("name_label")).matches(".*-vm-\\d+")
                        && "Halted".equals(vm.get("power_state")))
                .map(vm -> (String) vm.get("uuid")).sorted().findFirst()
                .orElseThrow(() -> new IllegalStateException("the demo pool has no halted VM"));
    }

    private interface SdkCall<T> {
        T apply(Connection connection) throws Exception;
    }

    private <T> T call(SdkCall<T> call) {
        try {
            Connection connection = new Connection(URI.create(simulator.url()).toURL());
            Session.loginWithPassword(connection, "root", "secret");
            try {
                return call.apply(connection);
            } finally {
                Session.logout(connection);
            }
        } catch (Exception e) {
            throw new IllegalStateException("XenAPI call failed", e);
        }
    }
}
