package org.vmemperor.common.xenapi;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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

    /**
     * By event name, and by the name as the pool may spell it: every event of a load asks (80,000 at 10,000 VMs), and
     * lower-casing and comparing each class's name for each took 5% of the load.
     */
    private static final Map<String, XenClass> BY_EVENT_NAME = new HashMap<>();

    static {
        for (XenClass type : values()) {
            BY_EVENT_NAME.put(type.eventName, type);
            BY_EVENT_NAME.put(type.wireName, type);
        }
    }

    private final String wireName;
    private final String eventName;

    XenClass(String wireName) {
        this.wireName = wireName;
        this.eventName = wireName.toLowerCase(Locale.ROOT);
    }

    /** The class name in method calls, e.g. {@code VM}, {@code network}. */
    public String wireName() {
        return wireName;
    }

    /** The class name in events and event.from subscriptions: always lower case. */
    public String eventName() {
        return eventName;
    }

    /** The class of an event's {@code class} field, in any case. */
    public static Optional<XenClass> fromEventName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        XenClass type = BY_EVENT_NAME.get(name);
        return type != null ? Optional.of(type) : Optional.ofNullable(BY_EVENT_NAME.get(name.toLowerCase(Locale.ROOT)));
    }
}
