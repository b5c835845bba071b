package org.vmemperor.vm.testing;

import java.net.URI;
import java.util.Map;

import org.vmemperor.simulator.XapiSimulator;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

/**
 * Fresh VMs for each test: clones (through the real SDK, as any XenAPI client would) of the demo pool's halted VM,
 * which no test ever changes. Test classes share one simulator, so each test works on its own clones.
 */
public final class TestPool {

    private final XapiSimulator simulator;

    public TestPool(XapiSimulator simulator) {
        this.simulator = simulator;
    }

    /** A new halted VM with the golden VM's disk, CD drive and VIF; answers its uuid. */
    public String newHaltedVm(String name) {
        String golden = goldenVm();
        try {
            Connection connection = new Connection(URI.create(simulator.url()).toURL());
            Session.loginWithPassword(connection, "root", "secret");
            try {
                VM clone = VM.getByUuid(connection, golden).createClone(connection, name);
                return clone.getUuid(connection);
            } finally {
                Session.logout(connection);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot clone a test VM", e);
        }
    }

    /** The first halted ordinary VM of the demo pool, by name: stable across calls since no test starts it. */
    private String goldenVm() {
        return simulator.pool().records("VM").values().stream()
                .filter(vm -> !Boolean.TRUE.equals(vm.get("is_a_template"))
                        && !Boolean.TRUE.equals(vm.get("is_control_domain"))
                        && String.valueOf(vm.get("name_label")).matches(".*-vm-\\d+")
                        && "Halted".equals(vm.get("power_state")))
                .map(vm -> (String) vm.get("uuid")).sorted().findFirst()
                .orElseThrow(() -> new IllegalStateException("the demo pool has no halted VM"));
    }

    public Map<String, Object> vm(String uuid) {
        return simulator.pool().record("VM", uuid);
    }

    public String powerState(String uuid) {
        return (String) vm(uuid).get("power_state");
    }
}
