package org.vmemperor.common.xenapi;

/**
 * A subscriber to the cache's change feed. Called on the event thread, in order: keep it quick (hand heavy work to
 * an executor) and never call XenAPI from it.
 */
public interface CacheListener {

    /** One add, mod or del. */
    void onChange(CacheChange change);

    /** The cache was reloaded from scratch (first load, EVENTS_LOST, reconnect); changes found were sent first. */
    default void onResync() {
    }
}
