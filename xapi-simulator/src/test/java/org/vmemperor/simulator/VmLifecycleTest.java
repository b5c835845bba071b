package org.vmemperor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.simulator.SimulatorTestSupport.login;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VIF;
import com.xensource.xenapi.VM;

/** VM lifecycle, tasks and devices through the real SDK. */
class VmLifecycleTest {
    static XapiSimulator sim;
    static Connection c;

    @BeforeAll
    static void start() throws Exception {
        sim = XapiSimulator.builder().demoVms(3).build();
        sim.start();
        c = login(sim);
    }

    @AfterAll
    static void stop() {
        sim.stop();
    }

    private static VM template(String name) throws Exception {
        return VM.getByNameLabel(c, name).iterator().next();
    }

    @Test
    void cloneProvisionStartShutdownRebootDestroy() throws Exception {
        VM template = template("Debian Bookworm 12");
        VM vm = template.createClone(c, "web-1");
        assertThat(vm.getIsATemplate(c)).isTrue();
        assertThat(vm.getIsDefaultTemplate(c)).isFalse();
        assertThat(vm.getUuid(c)).isNotEqualTo(template.getUuid(c));
        assertThatThrownBy(() -> vm.start(c, false, false)).isInstanceOfSatisfying(Types.VmIsTemplate.class,
                e -> assertThat(e.vm).isEqualTo(vm.toWireString()));

        SR local = SR.getByNameLabel(c, "Local storage").iterator().next();
        long before = local.getPhysicalUtilisation(c);
        vm.removeFromOtherConfig(c, "disks"); // the clone carried the template's own disks key
        vm.addToOtherConfig(c, "disks", "<?xml version=\"1.0\"?>\n<provision>\n  <disk device=\"0\" size=\"8589934592\" sr=\""
                + local.getUuid(c) + "\" bootable=\"true\" type=\"system\"/>\n</provision>");
        vm.provision(c);
        assertThat(vm.getIsATemplate(c)).isFalse();
        assertThat(vm.getOtherConfig(c)).doesNotContainKey("disks");
        VBD disk = vm.getVBDs(c).iterator().next();
        VBD.Record diskRecord = disk.getRecord(c);
        assertThat(diskRecord.type).isEqualTo(Types.VbdType.DISK);
        assertThat(diskRecord.mode).isEqualTo(Types.VbdMode.RW);
        assertThat(diskRecord.userdevice).isEqualTo("0");
        assertThat(diskRecord.VDI.getVirtualSize(c)).isEqualTo(8589934592L);
        assertThat(diskRecord.VDI.getSR(c)).isEqualTo(local);
        assertThat(local.getPhysicalUtilisation(c)).isEqualTo(before + 8589934592L);

        assertThatThrownBy(() -> vm.cleanShutdown(c)).isInstanceOfSatisfying(Types.VmBadPowerState.class, e -> {
            assertThat(e.expected).isEqualTo("running");
            assertThat(e.actual).isEqualTo("halted");
        });
        vm.start(c, false, false);
        VM.Record running = vm.getRecord(c);
        assertThat(running.powerState).isEqualTo(Types.VmPowerState.RUNNING);
        assertThat(running.residentOn.getNameLabel(c)).isEqualTo("emperordev");
        assertThat(running.domid).isPositive();
        assertThat(running.consoles).hasSize(2);
        assertThat(running.metrics.getStartTime(c).getTime()).isPositive();
        assertThat(running.residentOn.getResidentVMs(c)).contains(vm);
        assertThat(disk.getCurrentlyAttached(c)).isTrue();
        assertThatThrownBy(() -> vm.start(c, false, false)).isInstanceOf(Types.VmBadPowerState.class);
        assertThatThrownBy(() -> vm.destroy(c)).isInstanceOf(Types.VmBadPowerState.class);

        vm.cleanReboot(c);
        assertThat(vm.getDomid(c)).isGreaterThan(running.domid);
        vm.pause(c);
        assertThat(vm.getPowerState(c)).isEqualTo(Types.VmPowerState.PAUSED);
        vm.unpause(c);
        vm.suspend(c);
        assertThat(vm.getPowerState(c)).isEqualTo(Types.VmPowerState.SUSPENDED);
        vm.resume(c, false, false);
        vm.hardReboot(c);
        vm.hardShutdown(c);
        VM.Record halted = vm.getRecord(c);
        assertThat(halted.powerState).isEqualTo(Types.VmPowerState.HALTED);
        assertThat(halted.consoles).isEmpty();
        assertThat(halted.residentOn.toWireString()).isEqualTo("OpaqueRef:NULL");
        assertThat(disk.getCurrentlyAttached(c)).isFalse();

        VDI vdi = diskRecord.VDI;
        vm.destroy(c);
        assertThatThrownBy(() -> vm.getRecord(c)).isInstanceOf(Types.HandleInvalid.class);
        assertThat(vdi.getVBDs(c)).isEmpty(); // xapi keeps the disks of a destroyed VM
        vdi.destroy(c);
        assertThat(local.getPhysicalUtilisation(c)).isEqualTo(before);
    }

    @Test
    void provisionChecksTheSr() throws Exception {
        VM vm = template("CentOS 7").createClone(c, "centos-x");
        vm.removeFromOtherConfig(c, "disks");
        vm.addToOtherConfig(c, "disks", "<provision><disk device=\"0\" size=\"1\" sr=\"no-such-sr\" "
                + "bootable=\"true\" type=\"system\"/></provision>");
        assertThatThrownBy(() -> vm.provision(c)).isInstanceOfSatisfying(Types.UuidInvalid.class,
                e -> assertThat(e.type).isEqualTo("SR"));
        String local = SR.getByNameLabel(c, "Local storage").iterator().next().getUuid(c);
        vm.removeFromOtherConfig(c, "disks");
        vm.addToOtherConfig(c, "disks", "<provision><disk device=\"0\" size=\"" + (100L << 40) + "\" sr=\"" + local
                + "\" bootable=\"true\" type=\"system\"/></provision>");
        assertThatThrownBy(() -> vm.provision(c)).isInstanceOf(Types.SrFull.class);
    }

    @Test
    void defaultTemplatesAndDom0AreProtected() throws Exception {
        VM dom0 = VM.getAllRecords(c).entrySet().stream().filter(e -> e.getValue().isControlDomain).findFirst()
                .orElseThrow().getKey();
        assertThatThrownBy(() -> dom0.cleanShutdown(c)).isInstanceOf(Types.OperationNotAllowed.class);
        assertThatThrownBy(() -> template("Other install media").destroy(c))
                .isInstanceOf(Types.VmCannotDeleteDefaultTemplate.class);
    }

    @Test
    void asyncStartIsATaskWithXapiLifecycle() throws Exception {
        VM vm = VM.getByNameLabel(c, "debian-vm-03").iterator().next();
        Task task = vm.startAsync(c, false, false);
        assertThat(task.getNameLabel(c)).isEqualTo("Async.VM.start");
        await().atMost(Duration.ofSeconds(5)).until(() -> task.getStatus(c) != Types.TaskStatusType.PENDING);
        Task.Record done = task.getRecord(c);
        assertThat(done.status).isEqualTo(Types.TaskStatusType.SUCCESS);
        assertThat(done.progress).isEqualTo(1.0);
        assertThat(done.finished).isAfterOrEqualTo(done.created);
        assertThat(done.result).isEmpty(); // void
        assertThat(vm.getPowerState(c)).isEqualTo(Types.VmPowerState.RUNNING);

        Task failing = vm.startAsync(c, false, false);
        await().atMost(Duration.ofSeconds(5)).until(() -> failing.getStatus(c) == Types.TaskStatusType.FAILURE);
        assertThat(failing.getErrorInfo(c)).containsExactly("VM_BAD_POWER_STATE", vm.toWireString(), "halted",
                "running");

        Task clone = template("CentOS 7").createCloneAsync(c, "async-clone");
        await().atMost(Duration.ofSeconds(5)).until(() -> clone.getStatus(c) == Types.TaskStatusType.SUCCESS);
        assertThat(clone.getResult(c)).matches("<value>OpaqueRef:[0-9a-f-]+</value>");
        VM cloned = Types.toVM(clone, c);
        assertThat(cloned.getNameLabel(c)).isEqualTo("async-clone");
        clone.destroy(c);
        assertThatThrownBy(() -> clone.getRecord(c)).isInstanceOf(Types.HandleInvalid.class);
    }

    @Test
    void pendingTaskCanBeCancelledAndBlocksOtherOperations() throws Exception {
        VM vm = VM.getByNameLabel(c, "ubuntu-vm-01").iterator().next();
        sim.faults().latency("VM.clean_shutdown", Duration.ofSeconds(2));
        try {
            Task task = vm.cleanShutdownAsync(c);
            assertThat(task.getStatus(c)).isEqualTo(Types.TaskStatusType.PENDING);
            assertThat(task.getProgress(c)).isEqualTo(0.0);
            assertThatThrownBy(() -> vm.hardShutdown(c)).isInstanceOf(Types.OtherOperationInProgress.class);
            task.cancel(c);
            assertThat(task.getStatus(c)).isEqualTo(Types.TaskStatusType.CANCELLED);
            assertThat(vm.getCurrentOperations(c)).isEmpty();
            assertThat(vm.getPowerState(c)).isEqualTo(Types.VmPowerState.RUNNING);
        } finally {
            sim.faults().clear();
        }
    }

    @Test
    void cdDrivesAndDisks() throws Exception {
        VM vm = VM.getByNameLabel(c, "centos-vm-02").iterator().next();
        VBD.Record cd = new VBD.Record();
        cd.VM = vm;
        cd.VDI = Types.toVDI("OpaqueRef:NULL");
        cd.userdevice = "5";
        cd.type = Types.VbdType.CD;
        cd.mode = Types.VbdMode.RO;
        cd.empty = true;
        cd.bootable = false;
        cd.otherConfig = Map.of();
        VBD drive = VBD.create(c, cd);
        assertThat(drive.getEmpty(c)).isTrue();
        assertThat(vm.getVBDs(c)).contains(drive);
        assertThatThrownBy(() -> VBD.create(c, cd)).isInstanceOf(Types.DeviceAlreadyExists.class);
        VDI iso = VDI.getByNameLabel(c, "debian-12.iso").iterator().next();
        drive.insert(c, iso);
        assertThat(drive.getVDI(c)).isEqualTo(iso);
        assertThat(iso.getVBDs(c)).contains(drive);
        assertThatThrownBy(() -> drive.insert(c, iso)).isInstanceOf(Types.VbdNotEmpty.class);
        drive.eject(c);
        assertThatThrownBy(() -> drive.eject(c)).isInstanceOf(Types.VbdIsEmpty.class);
        assertThat(iso.getVBDs(c)).doesNotContain(drive);

        VBD disk = vm.getVBDs(c).stream().filter(v -> {
            try {
                return v.getType(c) == Types.VbdType.DISK;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        assertThatThrownBy(() -> disk.eject(c)).isInstanceOf(Types.VbdNotRemovableMedia.class);
        assertThatThrownBy(() -> disk.plug(c)).isInstanceOf(Types.DeviceAlreadyAttached.class);
        disk.unplug(c);
        assertThat(disk.getCurrentlyAttached(c)).isFalse();
        assertThatThrownBy(() -> disk.unplug(c)).isInstanceOf(Types.DeviceAlreadyDetached.class);
        disk.plug(c);
        VDI attachedDisk = disk.getVDI(c);
        assertThatThrownBy(() -> attachedDisk.destroy(c)).isInstanceOfSatisfying(Types.VdiInUse.class,
                e -> assertThat(e.vdi).isEqualTo(attachedDisk.toWireString()));

        drive.plug(c);
        drive.unplug(c);
        drive.destroy(c);
        assertThat(vm.getVBDs(c)).doesNotContain(drive);

        VDI.Record newDisk = new VDI.Record();
        newDisk.SR = SR.getByNameLabel(c, "Local storage").iterator().next();
        newDisk.virtualSize = 1L << 30;
        newDisk.nameLabel = "extra";
        newDisk.type = Types.VdiType.USER;
        newDisk.sharable = false;
        newDisk.readOnly = false;
        newDisk.otherConfig = Map.of();
        VDI extra = VDI.create(c, newDisk);
        assertThat(newDisk.SR.getVDIs(c)).contains(extra);
        newDisk.virtualSize = 1L << 50;
        assertThatThrownBy(() -> VDI.create(c, newDisk)).isInstanceOf(Types.SrFull.class);
        extra.destroy(c);
    }

    @Test
    void networkInterfaces() throws Exception {
        VM running = VM.getByNameLabel(c, "centos-vm-02").iterator().next();
        VM halted = template("Debian Stretch 9.0").createClone(c, "nic-test");
        Network net = Network.getByNameLabel(c, "second net").iterator().next();
        VIF.Record record = new VIF.Record();
        record.VM = halted;
        record.network = net;
        record.device = "1";
        record.MAC = "";
        record.MTU = 1500L;
        record.otherConfig = Map.of();
        VIF vif = VIF.create(c, record);
        assertThat(vif.getMAC(c)).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        assertThat(net.getVIFs(c)).contains(vif);
        assertThatThrownBy(() -> VIF.create(c, record)).isInstanceOf(Types.DeviceAlreadyExists.class);
        assertThatThrownBy(() -> vif.plug(c)).isInstanceOf(Types.VmBadPowerState.class);
        vif.destroy(c);
        assertThat(net.getVIFs(c)).doesNotContain(vif);

        record.VM = running;
        VIF hot = VIF.create(c, record);
        hot.plug(c);
        assertThat(hot.getCurrentlyAttached(c)).isTrue();
        assertThatThrownBy(() -> hot.plug(c)).isInstanceOf(Types.DeviceAlreadyAttached.class);
        hot.unplug(c);
        hot.destroy(c);
        assertThat(running.getVIFs(c)).doesNotContain(hot);

        Network.Record n = new Network.Record();
        n.nameLabel = "made by test";
        n.otherConfig = Map.of();
        Network made = Network.create(c, n);
        assertThat(made.getBridge(c)).isNotEmpty();
        made.destroy(c);
    }
}
