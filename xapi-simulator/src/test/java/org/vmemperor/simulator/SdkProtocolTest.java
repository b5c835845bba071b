package org.vmemperor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vmemperor.simulator.SimulatorTestSupport.login;
import static org.vmemperor.simulator.SimulatorTestSupport.post;
import static org.vmemperor.simulator.SimulatorTestSupport.xmlCall;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.xensource.xenapi.APIVersion;
import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Console;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.HostMetrics;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.PBD;
import com.xensource.xenapi.PIF;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VIF;
import com.xensource.xenapi.VM;
import com.xensource.xenapi.VMGuestMetrics;
import com.xensource.xenapi.VMMetrics;

/** The wire protocol as the real Java SDK 8.1 sees it: login, records, lookups and errors. */
class SdkProtocolTest {
    static XapiSimulator sim;

    @BeforeAll
    static void start() {
        sim = XapiSimulator.builder().rootPassword(SimulatorTestSupport.PASSWORD).demoVms(5).build();
        sim.start();
    }

    @AfterAll
    static void stop() {
        sim.stop();
    }

    @Test
    void loginSequenceReportsApi215() throws Exception {
        Connection c = new Connection(new URL(sim.url()));
        Session session = Session.loginWithPassword(c, "root", "secret");
        // 8.1's APIVersion enum stops at 2.14, so 2.15 (Citrix Hypervisor 8.2) maps to UNKNOWN, as with a real 8.2 pool
        assertThat(c.getAPIVersion()).isEqualTo(APIVersion.UNKNOWN);
        Host host = session.getThisHost(c);
        assertThat(host.getAPIVersionMajor(c)).isEqualTo(2L);
        assertThat(host.getAPIVersionMinor(c)).isEqualTo(15L);
        assertThat(host.getNameLabel(c)).isEqualTo("emperordev");
        assertThat(session.getUuid(c)).isNotBlank();
        assertThat(session.getRecord(c).authUserName).isEqualTo("root");
        Connection four = new Connection(new URL(sim.url()));
        Session.loginWithPassword(four, "root", "secret", "2.15", "test");
        assertThat(four.getSessionReference()).startsWith("OpaqueRef:");
    }

    @Test
    void wrongPasswordIsAuthenticationFailed() {
        Connection c = new Connection(connection());
        assertThatThrownBy(() -> Session.loginWithPassword(c, "root", "wrong"))
                .isInstanceOf(Types.SessionAuthenticationFailed.class);
    }

    private static URL connection() {
        try {
            return new URL(sim.url());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyRecordOfEveryClassHasEveryField() throws Exception {
        Connection c = login(sim);
        assertComplete(Pool.getAllRecords(c), 1);
        assertComplete(Host.getAllRecords(c), 1);
        assertComplete(HostMetrics.getAllRecords(c), 1);
        assertComplete(VM.getAllRecords(c), 5 + 12 + 1);
        assertComplete(VMMetrics.getAllRecords(c), 18);
        assertComplete(VMGuestMetrics.getAllRecords(c), 4);
        assertComplete(VBD.getAllRecords(c), 10);
        assertComplete(VIF.getAllRecords(c), 5);
        assertComplete(VDI.getAllRecords(c), 10);
        assertComplete(SR.getAllRecords(c), 3);
        assertComplete(PBD.getAllRecords(c), 3);
        assertComplete(Network.getAllRecords(c), 3);
        assertComplete(PIF.getAllRecords(c), 2);
        assertComplete(Console.getAllRecords(c), 10);
        Task.getAllRecords(c);
        for (VM vm : VM.getAll(c)) {
            assertNoNullField(vm.getRecord(c));
        }
        for (SR sr : SR.getAll(c)) {
            assertNoNullField(sr.getRecord(c));
        }
        for (VDI vdi : VDI.getAll(c)) {
            assertNoNullField(vdi.getRecord(c));
        }
        for (Host host : Host.getAll(c)) {
            Host.Record r = host.getRecord(c);
            assertNoNullField(r);
            assertThat(r.softwareVersion).containsKeys("product_version", "product_brand", "xapi", "db_schema");
            assertThat(r.cpuInfo).containsKeys("cpu_count", "modelname", "features_pv");
            assertThat(r.metrics.getMemoryTotal(c)).isPositive();
        }
    }

    @Test
    void demoPoolHasItsShape() throws Exception {
        Connection c = login(sim);
        Map<VM, VM.Record> vms = VM.getAllRecords(c);
        assertThat(vms.values().stream().filter(r -> r.isControlDomain)).singleElement()
                .satisfies(dom0 -> assertThat(dom0.powerState).isEqualTo(Types.VmPowerState.RUNNING));
        assertThat(vms.values().stream().filter(r -> r.isDefaultTemplate).count()).isEqualTo(12);
        assertThat(vms.values().stream().filter(r -> r.isATemplate && r.otherConfig.containsKey("os_kind")).count())
                .isEqualTo(2);
        assertThat(vms.values().stream().filter(r -> "debian-9".equals(r.referenceLabel))).singleElement()
                .satisfies(t -> {
                    assertThat(t.PVBootloader).isEqualTo("eliloader");
                    assertThat(t.HVMBootPolicy).isEmpty();
                    assertThat(t.tags).isEmpty();
                });
        assertThat(vms.values().stream().filter(r -> r.nameLabel.equals("Other install media"))).singleElement()
                .satisfies(t -> assertThat(t.HVMBootPolicy).isEqualTo("BIOS order"));
        Map<SR, SR.Record> srs = SR.getAllRecords(c);
        assertThat(srs.values()).extracting(r -> r.nameLabel).containsExactlyInAnyOrder("Local storage",
                "ISO library", "XenServer Tools");
        SR tools = SR.getByNameLabel(c, "XenServer Tools").iterator().next();
        assertThat(tools.getIsToolsSr(c)).isTrue();
        assertThat(tools.getVDIs(c)).singleElement().satisfies(v -> assertThat(v.getIsToolsIso(c)).isTrue());
        Network internal = Network.getByNameLabel(c, "Host internal management network").iterator().next();
        assertThat(internal.getOtherConfig(c)).containsEntry("is_host_internal_management_network", "true");
        assertThat(internal.getPIFs(c)).isEmpty();
        assertThat(Pool.getAll(c).iterator().next().getNameDescription(c)).isEqualTo("testing");
        VM running = vms.entrySet().stream()
                .filter(e -> !e.getValue().isControlDomain && e.getValue().powerState == Types.VmPowerState.RUNNING)
                .findFirst().orElseThrow().getKey();
        VMGuestMetrics.Record guest = running.getGuestMetrics(c).getRecord(c);
        assertThat(guest.networks).containsKeys("0/ip", "0/ipv6/0");
        assertThat(guest.osVersion).containsKeys("name", "distro", "major", "minor", "uname");
        assertThat(guest.PVDriversUpToDate).isTrue();
        assertThat(running.getConsoles(c)).extracting(con -> con.getProtocol(c))
                .containsExactlyInAnyOrder(Types.ConsoleProtocol.RFB, Types.ConsoleProtocol.VT100);
        assertThat(running.getConsoles(c).iterator().next().getLocation(c))
                .startsWith("http://127.0.0.1:" + sim.port() + "/console?uuid=");
    }

    @Test
    void lookupsAndTheirErrors() throws Exception {
        Connection c = login(sim);
        VM any = VM.getAll(c).iterator().next();
        String uuid = any.getUuid(c);
        assertThat(VM.getByUuid(c, uuid)).isEqualTo(any);
        assertThatThrownBy(() -> VM.getByUuid(c, "00000000-0000-0000-0000-000000000000"))
                .isInstanceOfSatisfying(Types.UuidInvalid.class,
                        e -> assertThat(e.type).isEqualTo("VM"));
        assertThatThrownBy(() -> Types.toVM("OpaqueRef:nope").getRecord(c))
                .isInstanceOfSatisfying(Types.HandleInvalid.class, e -> {
                    assertThat(e.clazz).isEqualTo("VM");
                    assertThat(e.handle).isEqualTo("OpaqueRef:nope");
                });
        assertThat(VM.getByNameLabel(c, "CentOS 7")).hasSize(1);
    }

    @Test
    void setters() throws Exception {
        Connection c = login(sim);
        VM vm = VM.getByNameLabel(c, "debian-vm-03").iterator().next();
        vm.setNameDescription(c, "described");
        vm.addToOtherConfig(c, "k", "v");
        vm.addTags(c, "vmemperor");
        vm.setMemoryLimits(c, 512L << 20, 2048L << 20, 1024L << 20, 2048L << 20);
        vm.setVCPUsMax(c, 4L);
        vm.setVCPUsAtStartup(c, 2L);
        vm.setPVArgs(c, "console=hvc0");
        VM.Record r = vm.getRecord(c);
        assertThat(r.nameDescription).isEqualTo("described");
        assertThat(r.otherConfig).containsEntry("k", "v");
        assertThat(r.tags).containsExactly("vmemperor");
        assertThat(r.memoryDynamicMin).isEqualTo(1024L << 20);
        assertThat(r.VCPUsAtStartup).isEqualTo(2L);
        assertThat(r.PVArgs).isEqualTo("console=hvc0");
        vm.removeFromOtherConfig(c, "k");
        vm.removeTags(c, "vmemperor");
        assertThat(vm.getOtherConfig(c)).doesNotContainKey("k");
        assertThat(vm.getTags(c)).isEmpty();
    }

    @Test
    void sessionsExpireAndLogOut() throws Exception {
        Connection c = login(sim);
        Session.logout(c);
        Connection again = login(sim);
        String ref = again.getSessionReference();
        sim.faults().expireSessions();
        assertThatThrownBy(() -> VM.getAll(again)).isInstanceOf(Types.SessionInvalid.class);
        Connection stale = new Connection(new URL(sim.url()), ref);
        assertThatThrownBy(() -> Pool.getAll(stale)).isInstanceOf(Types.SessionInvalid.class);
        Connection fresh = login(sim);
        String freshRef = fresh.getSessionReference();
        Session.logout(fresh);
        assertThatThrownBy(() -> Pool.getAll(new Connection(new URL(sim.url()), freshRef)))
                .isInstanceOf(Types.SessionInvalid.class);
    }

    @Test
    void unknownMethodAndParameterCountOverRawXmlRpc() throws Exception {
        HttpResponse<String> unknown = post(sim, "/", "text/xml", xmlCall("VM.fly"));
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("text/xml");
        assertThat(unknown.body()).contains("<value>Failure</value>")
                .contains("<value>MESSAGE_METHOD_UNKNOWN</value><value>VM.fly</value>").doesNotContain("fault");
        Connection c = login(sim);
        String session = "<value>" + c.getSessionReference() + "</value>";
        HttpResponse<String> mismatch = post(sim, "/RPC2", "text/xml", xmlCall("VM.get_record", session));
        assertThat(mismatch.body()).contains(
                "<value>MESSAGE_PARAMETER_COUNT_MISMATCH</value><value>VM.get_record</value><value>1</value><value>0</value>");
        HttpResponse<String> login = post(sim, "/xmlrpc", "text/xml", xmlCall("session.login_with_password",
                "<value><string>root</string></value>", "<value>secret</value>"));
        assertThat(login.body()).contains("<value>Success</value>").contains("OpaqueRef:");
        HttpResponse<String> list = post(sim, "/", "text/xml", xmlCall("system.listMethods"));
        assertThat(list.body()).startsWith("<?xml version=\"1.0\"?><methodResponse><params><param><value><array>")
                .contains("<value>VM.start</value>").contains("<value>Async.VM.start</value>")
                .doesNotContain("Status");
        // Python's nil, the underscore form and an untyped int
        HttpResponse<String> underscore = post(sim, "/", "text/xml",
                xmlCall("VM_get_all", session));
        assertThat(underscore.body()).contains("<value>Success</value>");
        HttpResponse<String> nilParam = post(sim, "/", "text/xml",
                xmlCall("event.from", session, "<value><array><data><value>vm</value></data></array></value>",
                        "<value><nil/></value>", "<value><double>1.0E-1</double></value>"));
        assertThat(nilParam.body()).contains("<name>valid_ref_counts</name>").contains("<i4>");
    }

    @Test
    void intsAndDatesHaveXapiEncodings() throws Exception {
        Connection c = login(sim);
        String session = "<value>" + c.getSessionReference() + "</value>";
        String vm = VM.getByNameLabel(c, "ubuntu-vm-01").iterator().next().toWireString();
        HttpResponse<String> memory = post(sim, "/", "text/xml",
                xmlCall("VM.get_memory_static_max", session, "<value>" + vm + "</value>"));
        assertThat(memory.body()).contains("<name>Value</name><value>1073741824</value>");
        String metrics = Types.toVM(vm).getMetrics(c).toWireString();
        HttpResponse<String> start = post(sim, "/", "text/xml",
                xmlCall("VM_metrics.get_start_time", session, "<value>" + metrics + "</value>"));
        assertThat(start.body()).containsPattern("<dateTime.iso8601>\\d{8}T\\d\\d:\\d\\d:\\d\\dZ</dateTime.iso8601>");
    }

    private static <K, R> void assertComplete(Map<K, R> records, int expected) throws Exception {
        assertThat(records).hasSize(expected);
        for (R record : records.values()) {
            assertNoNullField(record);
        }
    }

    static void assertNoNullField(Object record) throws IllegalAccessException {
        for (Field field : record.getClass().getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                assertThat(field.get(record)).as(record.getClass().getName() + "." + field.getName()).isNotNull();
            }
        }
    }
}
