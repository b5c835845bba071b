package org.vmemperor.common.xenapi;

/**
 * One change seen by the cache. {@code before} is null for an add, {@code after} is null for a delete.
 */
public record CacheChange(Operation operation, XenClass type, String ref, XenObject before, XenObject after) {

    public enum Operation {
        ADD,
        MOD,
        DEL
    }

    /** The object as it is now, or as it was just before it disappeared. */
    public XenObject latest() {
        return after != null ? after : before;
    }
}
