package org.vmemperor.simulator.ops;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What is installed on each VM's disks, by VM uuid. xapi has no such field (it lives inside the guest), so the
 * simulator keeps it aside: a VM with an entry shows guest metrics when it runs.
 */
public final class InstalledSystems {
    private final Map<String, OsInfo> byVmUuid = new ConcurrentHashMap<>();

    public Optional<OsInfo> of(String vmUuid) {
        return Optional.ofNullable(byVmUuid.get(vmUuid));
    }

    public void put(String vmUuid, OsInfo os) {
        byVmUuid.put(vmUuid, os);
    }

    public void remove(String vmUuid) {
        byVmUuid.remove(vmUuid);
    }

    public Map<String, OsInfo> all() {
        return Map.copyOf(byVmUuid);
    }

    public void replaceAll(Map<String, OsInfo> systems) {
        byVmUuid.clear();
        byVmUuid.putAll(systems);
    }
}
