package org.vmemperor.common.xenapi;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;

/**
 * The writes of /createvm and of the install watcher: turning a template into a new VM (clone, memory, vCPUs, the
 * {@code disks} provision XML, {@code VM.provision}), the installer's boot parameters and the synchronous start. They
 * run on a worker thread, one step after the other, so they are synchronous. Arguments and results are plain values
 * (refs as strings); failures surface as {@link XenApiFailure} (the pool's error description, e.g. SR_FULL) or
 * {@link PoolUnavailableException}.
 */
@ApplicationScoped
public class VmProvisioning {

    private final XenApi xenApi;

    public VmProvisioning(XenApi xenApi) {
        this.xenApi = xenApi;
    }

    /** {@code VM.clone}: the new VM's ref. A clone of a template is still a template until it is provisioned. */
    public String cloneVm(String templateRef, String nameLabel) {
        return xenApi.session().call(c -> Types.toVM(templateRef).createClone(c, nameLabel).toWireString());
    }

    public String uuid(String vmRef) {
        return xenApi.session().call(c -> Types.toVM(vmRef).getUuid(c));
    }

    /**
     * Gives the VM exactly {@code bytes} of memory (static max = dynamic min = dynamic max). The static minimum is
     * lowered only when it would exceed the new size, since xapi requires static_min <= dynamic_min.
     */
    public void setMemory(String vmRef, long staticMin, long bytes) {
        run(c -> Types.toVM(vmRef).setMemoryLimits(c, Math.min(staticMin, bytes), bytes, bytes, bytes));
    }

    /**
     * Sets VCPUs_max and VCPUs_at_startup to {@code count}, in the order xapi accepts: at_startup may never exceed
     * max, so max grows first and shrinks last.
     */
    public void setVcpus(String vmRef, long currentMax, long count) {
        run(c -> {
            VM vm = Types.toVM(vmRef);
            if (count > currentMax) {
                vm.setVCPUsMax(c, count);
                vm.setVCPUsAtStartup(c, count);
            } else {
                vm.setVCPUsAtStartup(c, count);
                vm.setVCPUsMax(c, count);
            }
        });
    }

    /** Sets one other_config key (replacing its value: {@code add_to_other_config} refuses an existing key). */
    public void setOtherConfig(String vmRef, String key, String value) {
        run(c -> {
            VM vm = Types.toVM(vmRef);
            vm.removeFromOtherConfig(c, key);
            vm.addToOtherConfig(c, key, value);
        });
    }

    /** {@code VM.provision}: creates the disks described by other_config["disks"] (SR_FULL when they do not fit). */
    public void provision(String vmRef) {
        run(c -> Types.toVM(vmRef).provision(c));
    }

    public void setPvArgs(String vmRef, String commandLine) {
        run(c -> Types.toVM(vmRef).setPVArgs(c, commandLine));
    }

    public void setPvBootloader(String vmRef, String bootloader) {
        run(c -> Types.toVM(vmRef).setPVBootloader(c, bootloader));
    }

    public void setHvmBootParams(String vmRef, Map<String, String> params) {
        run(c -> Types.toVM(vmRef).setHVMBootParams(c, params));
    }

    public void setVdiNameLabel(String vdiRef, String nameLabel) {
        run(c -> Types.toVDI(vdiRef).setNameLabel(c, nameLabel));
    }

    /** {@code VM.start(start_paused=false, force=false)}, synchronously: returns once the pool has started it. */
    public void start(String vmRef) {
        run(c -> Types.toVM(vmRef).start(c, false, false));
    }

    private void run(XenVoidCall call) {
        xenApi.session().run(call);
    }
}
