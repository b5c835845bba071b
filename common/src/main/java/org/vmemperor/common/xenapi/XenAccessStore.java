package org.vmemperor.common.xenapi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.AccessStore;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.error.ApiException;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VM;

/**
 * {@link AccessStore} on the pool: {@code other_config["vmemperor"]} of a VM, network or VDI, read and written with
 * the shared session. Reads go to the pool rather than the cache because writers need the latest value.
 */
@ApplicationScoped
public class XenAccessStore implements AccessStore {

    private final XenApi xenApi;

    public XenAccessStore(XenApi xenApi) {
        this.xenApi = xenApi;
    }

    @Override
    public Map<String, String> otherConfig(ObjectType type, String uuid) {
        return call(type, uuid, connection -> otherConfig(connection, type, uuid));
    }

    @Override
    public boolean compareAndSetAccess(ObjectType type, String uuid, Optional<String> expectedJson, String newJson) {
        String key = AccessRights.OTHER_CONFIG_KEY;
        return call(type, uuid, connection -> {
            Map<String, String> current = otherConfig(connection, type, uuid);
            if (!Objects.equals(current.get(key), expectedJson.orElse(null))) {
                return false;
            }
            // XenAPI has no "put": add_to_other_config fails on an existing key, so remove it first
            if (current.containsKey(key)) {
                remove(connection, type, uuid, key);
            }
            add(connection, type, uuid, key, newJson);
            return true;
        });
    }

    private static Map<String, String> otherConfig(Connection connection, ObjectType type, String uuid)
            throws Exception {
        return switch (type) {
            case VM -> VM.getByUuid(connection, uuid).getOtherConfig(connection);
            case NETWORK -> Network.getByUuid(connection, uuid).getOtherConfig(connection);
            case VDI -> VDI.getByUuid(connection, uuid).getOtherConfig(connection);
        };
    }

    private static void remove(Connection connection, ObjectType type, String uuid, String key) throws Exception {
        switch (type) {
            case VM -> VM.getByUuid(connection, uuid).removeFromOtherConfig(connection, key);
            case NETWORK -> Network.getByUuid(connection, uuid).removeFromOtherConfig(connection, key);
            case VDI -> VDI.getByUuid(connection, uuid).removeFromOtherConfig(connection, key);
        }
    }

    private static void add(Connection connection, ObjectType type, String uuid, String key, String value)
            throws Exception {
        switch (type) {
            case VM -> VM.getByUuid(connection, uuid).addToOtherConfig(connection, key, value);
            case NETWORK -> Network.getByUuid(connection, uuid).addToOtherConfig(connection, key, value);
            case VDI -> VDI.getByUuid(connection, uuid).addToOtherConfig(connection, key, value);
        }
    }

    private <T> T call(ObjectType type, String uuid, XenCall<T> call) {
        try {
            return xenApi.session().call(call);
        } catch (XenApiFailure failure) {
            if ("UUID_INVALID".equals(failure.code())) {
                throw ApiException.unknownObject(type.apiName(), uuid, failure.errorDescription());
            }
            throw failure;
        }
    }
}
