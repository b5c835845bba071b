package org.vmemperor.common.xenapi;

import java.util.Locale;
import java.util.Optional;

/** The XenAPI classes VMEmperor caches, with their wire names. */
public enum XenClass {
    POOL("pool"),
    HOST("host"),
    HOST_METRICS("host_metrics"),
    VM("VM"),
    VM_METRICS("VM_metrics"),
    VM_GUEST_METRICS("VM_guest_metrics"),
    VBD("VBD"),
    VIF("VIF"),
    VDI("VDI"),
    SR("SR"),
    PBD("PBD"),
    NETWORK("network"),
    PIF("PIF"),
    CONSOLE("console"),
    TASK("task");

    private final String wireName;

    XenClass(String wireName) {
        this.wireName = wireName;
    }

    /** The class name in method calls, e.g. {@code VM}, {@code network}. */
    public String wireName() {
        return wireName;
    }

    /** The class name in events and event.from subscriptions: always lower case. */
    public String eventName() {
        return wireName.toLowerCase(Locale.ROOT);
    }

    public static Optional<XenClass> fromEventName(String name) {
        for (XenClass type : values()) {
            if (type.eventName().equalsIgnoreCase(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
