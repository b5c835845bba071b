package org.vmemperor.common.xenapi;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;

/** Reads the pool directly with the SDK (its own session), to compare with what the cache holds. */
final class PoolReader implements AutoCloseable {

    private static final Map<XenClass, String> SDK_CLASSES = Map.ofEntries(
            Map.entry(XenClass.POOL, "Pool"), Map.entry(XenClass.HOST, "Host"),
            Map.entry(XenClass.HOST_METRICS, "HostMetrics"), Map.entry(XenClass.VM, "VM"),
            Map.entry(XenClass.VM_METRICS, "VMMetrics"), Map.entry(XenClass.VM_GUEST_METRICS, "VMGuestMetrics"),
            Map.entry(XenClass.VBD, "VBD"), Map.entry(XenClass.VIF, "VIF"), Map.entry(XenClass.VDI, "VDI"),
            Map.entry(XenClass.SR, "SR"), Map.entry(XenClass.PBD, "PBD"), Map.entry(XenClass.NETWORK, "Network"),
            Map.entry(XenClass.PIF, "PIF"), Map.entry(XenClass.CONSOLE, "Console"), Map.entry(XenClass.TASK, "Task"));

    final Connection connection;

    PoolReader(String url, String password) throws Exception {
        connection = new XenConnection(URI.create(url).toURL(), Duration.ofSeconds(5), Duration.ofSeconds(30));
        Session.loginWithPassword(connection, "root", password);
    }

    /** Every object of a class as the cache would store it: ref to converted fields. */
    Map<String, Map<String, Object>> records(XenClass type) throws Exception {
        Class<?> sdkClass = Class.forName("com.xensource.xenapi." + SDK_CLASSES.get(type));
        Map<?, ?> records = (Map<?, ?>) sdkClass.getMethod("getAllRecords", Connection.class).invoke(null,
                connection);
        Map<String, Map<String, Object>> result = new HashMap<>();
        records.forEach((object, record) -> result.put((String) RecordConverter.plain(object),
                RecordConverter.fields(record)));
        return result;
    }

    @Override
    public void close() throws Exception {
        Session.logout(connection);
    }
}
