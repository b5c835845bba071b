package org.vmemperor.simulator.ops;

/** Sees VMs boot and stop; the installer is one. Called inside the store's monitor. */
public interface BootListener {
    /** @return true if the listener took the boot over (an installer runs instead of the installed system) */
    boolean booted(String vm);

    void halted(String vm);
}
