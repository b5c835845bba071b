package org.vmemperor.common.access;

import org.vmemperor.common.error.ApiException;

/** The kinds of pool objects that carry access rights, named as the API and XenAPI name them. */
public enum ObjectType {
    VM("VM"),
    NETWORK("Network"),
    VDI("VDI");

    private final String apiName;

    ObjectType(String apiName) {
        this.apiName = apiName;
    }

    /** The name in requests ({@code type}) and in XenAPI's class names. */
    public String apiName() {
        return apiName;
    }

    /** Parses the {@code type} argument; 400 for anything else. */
    public static ObjectType parse(String name) {
        for (ObjectType type : values()) {
            if (type.apiName.equals(name)) {
                return type;
            }
        }
        throw ApiException.badRequest("unsupported object type '" + name + "': one of VM, Network, VDI");
    }
}
