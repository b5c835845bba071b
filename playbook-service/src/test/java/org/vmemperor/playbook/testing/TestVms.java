package org.vmemperor.playbook.testing;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.simulator.XapiSimulator;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;

/** Fresh VMs for each test: clones of the demo pool's halted VM, started with the guest address a test chooses. */
public final class TestVms {

    private final XapiSimulator simulator;
    private final XenObjectCache cache;

    public TestVms(XapiSimulator simulator, XenObjectCache cache) {
        this.simulator = simulator;
        this.cache = cache;
    }

    /** A new running VM whose guest reports {@code address}, once the service's cache shows it. */
    public String running(String name, String address) {
        String uuid = halted(name);
        simulator.pool().guestIp(uuid, address);
        simulator.pool().powerState(uuid, "Running");
        Awaitility.await("the cache shows " + name + " at " + address).atMost(Duration.ofSeconds(30))
                .until(() -> cache.byUuid(XenClass.VM, uuid)
                        .flatMap(vm -> cache.byRef(XenClass.VM_GUEST_METRICS, vm.string("guest_metrics")))
                        .map(metrics -> address.equals(metrics.stringMap("networks").get("0/ip"))).orElse(false));
        return uuid;
    }

    /** A new halted VM, once the service's cache shows it. */
    public String halted(String name) {
        String golden = simulator.pool().records("VM").values().stream()
                .filter(vm -> !Boolean.TRUE.equals(vm.get("is_a_template"))
                        && !Boolean.TRUE.equals(vm.get("is_control_domain"))
                        && String.valueOf(vm.get("name_label")).matches(".*-vm-\\d+")
                        && "Halted".equals(vm.get("power_state")))
                .map(vm -> (String) vm.get("uuid")).sorted().findFirst().orElseThrow();
        String uuid;
        try {
            Connection connection = new Connection(URI.create(simulator.url()).toURL());
            Session.loginWithPassword(connection, "root", "secret");
            try {
                uuid = VM.getByUuid(connection, golden).createClone(connection, name).getUuid(connection);
            } finally {
                Session.logout(connection);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot clone a test VM", e);
        }
        Awaitility.await("the cache shows " + name).atMost(Duration.ofSeconds(30))
                .until(() -> cache.byUuid(XenClass.VM, uuid).isPresent());
        return uuid;
    }

    public Map<String, Object> record(String uuid) {
        return simulator.pool().record("VM", uuid);
    }
}
