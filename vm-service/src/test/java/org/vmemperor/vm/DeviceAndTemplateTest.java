package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.vmemperor.vm.testing.Users.as;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.VmOperations;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.testing.TestPool;
import org.vmemperor.vm.testing.Users;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /netaction /attachdetachvdi /attachdetachiso (hot-plug on a running VM, one CD drive) and the template routes. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class DeviceAndTemplateTest {

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @InjectSimulator
    XapiSimulator simulator;
    @Inject
    VmOperations operations;

    Users users;
    TestPool pool;

    @BeforeEach
    void setUp() {
        users = new Users(signer, rights);
        pool = new TestPool(simulator);
    }

    private String runningVm(String user) {
        String uuid = pool.newHaltedVm(user + "-vm");
        users.grant(ObjectType.VM, uuid, user, Action.ALL);
        String token = users.token(user);
        await().atMost(Duration.ofSeconds(10)).until(() -> as(token).body(Map.of("uuid", uuid)).post("/vminfo")
                .then().extract().statusCode() == 200);
        String task = as(token).body(Map.of("uuid", uuid, "enable", true)).post("/startstopvm").then().statusCode(200)
                .extract().path("task");
        VmRoutesTest.awaitTask(token, task);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> as(token).body(Map.of("uuid", uuid))
                .post("/vminfo").then().body("power_state", is("Running")));
        return uuid;
    }

    private String vmRef(String uuid) {
        return simulator.pool().ref("VM", uuid);
    }

    private List<Map<String, Object>> devicesOf(String cls, String vmUuid) {
        String ref = vmRef(vmUuid);
        return simulator.pool().records(cls).values().stream().filter(d -> ref.equals(d.get("VM"))).toList();
    }

    @Test
    void netactionHotPlugsOnTheNextFreeDeviceAndDetaches() {
        String vm = runningVm("olga");
        String olga = users.token("olga");
        String netRef = simulator.pool().addNetwork("olga's net");
        String net = (String) simulator.pool().record("network", netRef).get("uuid");

        // attach on the network needs attach on the network too
        await().atMost(Duration.ofSeconds(10)).until(() -> as(olga)
                .body(Map.of("uuid", vm, "net", net, "action", "attach")).post("/netaction").then().extract()
                .statusCode() == 403);
        users.grant(ObjectType.NETWORK, net, "olga", Action.ATTACH);
        await().atMost(Duration.ofSeconds(10)).until(() -> as(olga)
                .body(Map.of("uuid", vm, "net", net, "action", "attach")).post("/netaction").then().extract()
                .statusCode() == 200);

        Map<String, Object> vif = devicesOf("VIF", vm).stream().filter(v -> netRef.equals(v.get("network")))
                .findFirst().orElseThrow();
        assertThat(vif.get("device")).isEqualTo("1");
        assertThat(vif.get("currently_attached")).isEqualTo(true);
        // the answer waited for the cache: the very next read shows it
        as(olga).body(Map.of("uuid", vm)).post("/vmnetinfo").then().statusCode(200)
                .body("'1'.network", is(net)).body("'1'.attached", is(true)).body("'1'.name_label", is("olga's net"));

        as(olga).body(Map.of("uuid", vm, "net", net, "action", "detach")).post("/netaction").then().statusCode(200)
                .body("status", is("ok"));
        assertThat(devicesOf("VIF", vm)).noneMatch(v -> netRef.equals(v.get("network")));
        as(olga).body(Map.of("uuid", vm)).post("/vmnetinfo").then().statusCode(200).body("$", not(hasKey("1")));

        as(olga).body(Map.of("uuid", vm, "net", net, "action", "plug")).post("/netaction").then().statusCode(400)
                .body("status", is("bad request"));
    }

    @Test
    void attachdetachvdiHotPlugsADisk() {
        String vm = runningVm("paul");
        String paul = users.token("paul");
        String sr = simulator.pool().refByName("SR", "Local storage").orElseThrow();
        String vdiRef = simulator.pool().addVdi(sr, "paul's data", 1L << 30);
        String vdi = (String) simulator.pool().record("VDI", vdiRef).get("uuid");
        users.grant(ObjectType.VDI, vdi, "paul", Action.ATTACH);
        await().atMost(Duration.ofSeconds(10)).until(() -> as(paul)
                .body(Map.of("uuid", vm, "vdi", vdi, "action", "attach")).post("/attachdetachvdi").then().extract()
                .statusCode() == 200);

        Map<String, Object> vbd = devicesOf("VBD", vm).stream().filter(v -> vdiRef.equals(v.get("VDI"))).findFirst()
                .orElseThrow();
        assertThat(vbd.get("currently_attached")).isEqualTo(true);
        assertThat(vbd.get("mode")).isEqualTo("RW");
        assertThat(vbd.get("type")).isEqualTo("Disk");
        Map<String, Map<String, Object>> disks = as(paul).body(Map.of("uuid", vm)).post("/vmdiskinfo").then()
                .statusCode(200).extract().jsonPath().getMap("$");
        assertThat(disks.values()).anyMatch(d -> vdi.equals(d.get("VDI")) && Boolean.TRUE.equals(d.get("attached")));

        as(paul).body(Map.of("uuid", vm, "vdi", vdi, "action", "detach")).post("/attachdetachvdi").then()
                .statusCode(200).body("status", is("ok"));
        assertThat(devicesOf("VBD", vm)).noneMatch(v -> vdiRef.equals(v.get("VDI")));
        assertThat(simulator.pool().record("VDI", vdiRef)).isNotNull();

        // someone else's disk: 403
        String otherRef = simulator.pool().addVdi(sr, "not paul's", 1L << 20);
        String other = (String) simulator.pool().record("VDI", otherRef).get("uuid");
        await().atMost(Duration.ofSeconds(10)).until(() -> as(paul)
                .body(Map.of("uuid", vm, "vdi", other, "action", "attach")).post("/attachdetachvdi").then()
                .extract().statusCode() == 403);
    }

    @Test
    void isoUsesTheOneCdDrive() {
        String vm = runningVm("quinn");
        String quinn = users.token("quinn");
        long drivesBefore = devicesOf("VBD", vm).stream().filter(v -> "CD".equals(v.get("type"))).count();
        assertThat(drivesBefore).isEqualTo(1);
        String debianRef = simulator.pool().refByName("VDI", "debian-12.iso").orElseThrow();
        String debian = (String) simulator.pool().record("VDI", debianRef).get("uuid");
        String ubuntuRef = simulator.pool().refByName("VDI", "ubuntu-22.04.iso").orElseThrow();
        String ubuntu = (String) simulator.pool().record("VDI", ubuntuRef).get("uuid");

        as(quinn).body(Map.of("uuid", vm, "iso", debian, "action", "attach")).post("/attachdetachiso").then()
                .statusCode(200).body("status", is("ok"));
        as(quinn).body(Map.of("uuid", vm, "iso", ubuntu, "action", "attach")).post("/attachdetachiso").then()
                .statusCode(200);
        List<Map<String, Object>> drives = devicesOf("VBD", vm).stream().filter(v -> "CD".equals(v.get("type")))
                .toList();
        assertThat(drives).hasSize(1);
        assertThat(drives.get(0).get("VDI")).isEqualTo(ubuntuRef);

        as(quinn).body(Map.of("uuid", vm, "iso", ubuntu, "action", "detach")).post("/attachdetachiso").then()
                .statusCode(200);
        drives = devicesOf("VBD", vm).stream().filter(v -> "CD".equals(v.get("type"))).toList();
        assertThat(drives).hasSize(1);
        assertThat(drives.get(0).get("empty")).isEqualTo(true);

        // inserting again reuses the same empty drive
        as(quinn).body(Map.of("uuid", vm, "iso", debian, "action", "attach")).post("/attachdetachiso").then()
                .statusCode(200);
        assertThat(devicesOf("VBD", vm).stream().filter(v -> "CD".equals(v.get("type"))).count()).isEqualTo(1);

        // not an ISO, wrong action, nothing to eject
        String diskVdi = (String) devicesOf("VBD", vm).stream().filter(v -> "Disk".equals(v.get("type")))
                .map(v -> simulator.pool().record("VDI", (String) v.get("VDI")).get("uuid")).findFirst().orElseThrow();
        as(quinn).body(Map.of("uuid", vm, "iso", diskVdi, "action", "attach")).post("/attachdetachiso").then()
                .statusCode(400);
        as(quinn).body(Map.of("uuid", vm, "iso", debian, "action", "insert")).post("/attachdetachiso").then()
                .statusCode(400);
        as(quinn).body(Map.of("uuid", vm, "iso", ubuntu, "action", "detach")).post("/attachdetachiso").then()
                .statusCode(400);
    }

    @Test
    void adminsEnableTemplatesUsersSeeThem() {
        String admin = users.adminToken();
        String user = users.token("rita");
        String template = simulator.pool().refByName("VM", "Debian Bookworm 12").map(ref -> ref)
                .or(() -> simulator.pool().records("VM").entrySet().stream()
                        .filter(e -> Boolean.TRUE.equals(e.getValue().get("is_a_template"))
                                && "debian-12".equals(e.getValue().get("reference_label")))
                        .map(Map.Entry::getKey).findFirst())
                .orElseThrow();
        String uuid = (String) simulator.pool().record("VM", template).get("uuid");

        as(user).body(Map.of("uuid", uuid, "action", "on")).post("/turntemplate").then().statusCode(403)
                .body("status", is("access denied"));
        as(user).get("/alltemplates").then().statusCode(403);
        as(admin).body(Map.of("uuid", uuid, "action", "sideways")).post("/turntemplate").then().statusCode(400)
                .body("message", is("action is either on or off"));

        as(admin).body(Map.of("uuid", uuid, "action", "on")).post("/turntemplate").then().statusCode(200)
                .body("status", is("ok"));
        assertThat((List<?>) simulator.pool().record("VM", uuid).get("tags")).asList().contains("vmemperor");
        as(user).get("/tmpllist").then().statusCode(200)
                .body("find { it.uuid == '" + uuid + "' }.os_kind", is("debian"))
                .body("find { it.uuid == '" + uuid + "' }.hvm", is(false))
                .body("find { it.uuid == '" + uuid + "' }.ref", is(template));
        as(admin).get("/alltemplates").then().statusCode(200).body("'" + template + "'.uuid", is(uuid));

        as(admin).body(Map.of("uuid", uuid, "action", "off")).post("/turntemplate").then().statusCode(200);
        as(user).get("/tmpllist").then().statusCode(200).body("uuid", not(hasItem(uuid)));
    }

    @Test
    void theBootDiskIsDetachedOnlyFromAHaltedVm() {
        String vm = runningVm("sven");
        String sven = users.token("sven");
        Map<String, Object> boot = devicesOf("VBD", vm).stream()
                .filter(v -> "Disk".equals(v.get("type")) && Boolean.TRUE.equals(v.get("bootable"))).findFirst()
                .orElseThrow();
        String vdiRef = (String) boot.get("VDI");
        String vdi = (String) simulator.pool().record("VDI", vdiRef).get("uuid");
        users.grant(ObjectType.VDI, vdi, "sven", Action.ATTACH);
        Map<String, String> detach = Map.of("uuid", vm, "vdi", vdi, "action", "detach");

        // the spec: the VM must be halted (403 until the grant reaches the cache)
        await().atMost(Duration.ofSeconds(10))
                .until(() -> as(sven).body(detach).post("/attachdetachvdi").then().extract().statusCode() == 400);
        as(sven).body(detach).post("/attachdetachvdi").then().statusCode(400).body("status", is("bad request"))
                .body("message", is("the VM must be halted to detach its boot disk (it is Running)"));
        assertThat(devicesOf("VBD", vm)).anyMatch(v -> vdiRef.equals(v.get("VDI")));

        String task = as(sven).body(Map.of("uuid", vm, "enable", false)).post("/startstopvm").then().statusCode(200)
                .extract().path("task");
        VmRoutesTest.awaitTask(sven, task);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> as(sven).body(Map.of("uuid", vm))
                .post("/vminfo").then().body("power_state", is("Halted")));
        as(sven).body(detach).post("/attachdetachvdi").then().statusCode(200).body("status", is("ok"));
        assertThat(devicesOf("VBD", vm)).noneMatch(v -> vdiRef.equals(v.get("VDI")));
    }

    @Test
    void aNetworkIsAttachedOnceAndDetachRemovesOneInterface() {
        String vm = runningVm("rosa");
        String rosa = users.token("rosa");
        String netRef = simulator.pool().addNetwork("rosa's net");
        String net = (String) simulator.pool().record("network", netRef).get("uuid");
        users.grant(ObjectType.NETWORK, net, "rosa", Action.ATTACH);
        Map<String, String> attach = Map.of("uuid", vm, "net", net, "action", "attach");
        Map<String, String> detach = Map.of("uuid", vm, "net", net, "action", "detach");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> as(rosa).body(attach).post("/netaction").then().extract().statusCode() == 200);

        // detach names the interface by its network alone, so a second one on the same network is refused
        as(rosa).body(attach).post("/netaction").then().statusCode(400).body("status", is("bad request"))
                .body("message", containsString("already has an interface on this network"));
        assertThat(devicesOf("VIF", vm)).filteredOn(v -> netRef.equals(v.get("network"))).hasSize(1);

        // another XenAPI client gives the VM a second interface on that network: detach removes one per call, the
        // one with the highest device number
        String extra = operations.createVif(simulator.pool().ref("VM", vm), netRef, "7", 1500);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as(rosa).body(Map.of("uuid", vm))
                .post("/vmnetinfo").then().statusCode(200).body("$", hasKey("7")));
        as(rosa).body(detach).post("/netaction").then().statusCode(200).body("status", is("ok"));
        assertThat(devicesOf("VIF", vm)).filteredOn(v -> netRef.equals(v.get("network")))
                .extracting(v -> v.get("device")).containsExactly("1");
        assertThat(simulator.pool().refs("VIF")).doesNotContain(extra);
        as(rosa).body(detach).post("/netaction").then().statusCode(200);
        assertThat(devicesOf("VIF", vm)).noneMatch(v -> netRef.equals(v.get("network")));
        as(rosa).body(detach).post("/netaction").then().statusCode(400)
                .body("message", is("the VM has no interface on this network"));
    }
}
