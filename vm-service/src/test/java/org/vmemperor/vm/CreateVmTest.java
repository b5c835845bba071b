package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.vmemperor.vm.testing.Users.as;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.db.AdvisoryLocks;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.task.TaskInfo;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.simulator.installer.InstallerFetch;
import org.vmemperor.vm.testing.PublicUrlResource;
import org.vmemperor.vm.testing.Users;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(PublicUrlResource.class)
class CreateVmTest {

    static final String PASSWORD = "plain-Secret-42";

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    XenObjectCache cache;
    @Inject
    TaskService tasks;
    @Inject
    AdvisoryLocks locks;
    @InjectSimulator
    XapiSimulator simulator;

    Users users;
    String alice;
    String network;
    String sr;

    @BeforeEach
    void setUp() {
        users = new Users(signer, rights);
        alice = users.token("alice");
        network = uuid("network", "Pool-wide network associated with eth0");
        sr = uuid("SR", "Local storage");
        users.grant(ObjectType.NETWORK, network, "alice", Action.ATTACH);
        for (String name : List.of("Ubuntu Jammy Jellyfish 22.04", "Debian Bookworm 12", "CentOS 7",
                "Other install media")) {
            enable(name);
        }
    }

    @Test
    void ubuntuWithDhcpIsInstalledEndToEnd() {
        Map<String, Object> body = base("Ubuntu Jammy Jellyfish 22.04", "ubuntu-dhcp");
        body.put("hostname", "web01");
        body.put("username", "alice");
        body.put("password", PASSWORD);
        body.put("vcpus", 2);
        String task = create(alice, body);

        Set<String> seen = new LinkedHashSet<>();
        JsonPath done = awaitFinished(alice, task, seen);
        assertThat(done.getString("state")).as(done.prettify()).isEqualTo("installed");
        assertThat(seen).contains("installing");
        String vm = done.getString("uuid");

        List<InstallerFetch> fetches = simulator.installerFetches(vm);
        assertThat(fetches).hasSize(1);
        assertThat(fetches.get(0).status()).isEqualTo(200);
        assertThat(fetches.get(0).body()).contains("d-i netcfg/get_hostname string web01\n")
                .contains("d-i passwd/username string alice\n").contains("d-i mirror/suite string jammy\n")
                .contains("d-i passwd/user-password-crypted password $6$").doesNotContain(PASSWORD);

        Map<String, Object> record = simulator.pool().record("VM", vm);
        assertThat(record.get("power_state")).isEqualTo("Running");
        assertThat(record.get("PV_bootloader")).isEqualTo("pygrub");
        assertThat(record.get("PV_args")).isEqualTo("");
        assertThat(record.get("is_a_template")).isEqualTo(false);
        assertThat(String.valueOf(record.get("tags"))).doesNotContain("vmemperor");
        assertThat(((Number) record.get("memory_static_max")).longValue()).isEqualTo(1024L * 1024 * 1024);
        assertThat(((Number) record.get("VCPUs_at_startup")).longValue()).isEqualTo(2);
        assertThat(String.valueOf(record)).doesNotContain(PASSWORD);

        // the creator sees the VM with all, and holds all on its disk
        List<Map<String, Object>> list = as(alice).get("/vmlist").then().statusCode(200).extract().jsonPath()
                .getList("$");
        Map<String, Object> mine = list.stream().filter(entry -> vm.equals(entry.get("uuid"))).findFirst()
                .orElseThrow();
        assertThat(mine.get("access")).isEqualTo(List.of(Map.of("userid", "users/alice", "access", List.of("all"))));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> disks = (Map<String, Map<String, Object>>) mine.get("disks");
        String vdi = disks.values().stream().filter(d -> "Disk".equals(d.get("type"))).map(d -> (String) d.get("VDI"))
                .findFirst().orElseThrow();
        assertThat(users.rights(ObjectType.VDI, vdi).holds(Users.user("alice"), Action.ALL)).isTrue();
        Map<String, Object> disk = simulator.pool().record("VDI", vdi);
        assertThat(((Number) disk.get("virtual_size")).longValue()).isEqualTo(10_240L * 1024 * 1024);
    }

    @Test
    void aSlowBootHoldsNeitherTheLockNorTheOtherInstalls() {
        // every VM.start answers late from now on: the installers' (in /createvm's workers) and the installed systems'
        simulator.faults().latency("VM.start", Duration.ofSeconds(15));
        String first;
        String second;
        try {
            first = create(alice, ubuntu("slow-boot-1", "slow01"));
            second = create(alice, ubuntu("slow-boot-2", "slow02"));
            // both installed systems are being started (progress 0.9, not finished) at once: the watcher decided on
            // one install while the other's VM.start was unanswered (with the wait under the decision, the first
            // finishes before the second's boot is even decided, and this never holds)
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> bootUnderway(first) && bootUnderway(second));
            // nor does the unanswered start hold the task's advisory lock: any replica could decide on it. The
            // watcher takes the lock for a moment on each of its ticks, so a single try may meet one of those; a
            // lock held across the start would refuse every try of these 5 s (the start answers after 15 s)
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> locks.tryWithLock("vmemperor-install:" + first, () -> true).isPresent());
            assertThat(tasks.find(first).orElseThrow().isFinished()).isFalse();
        } finally {
            simulator.faults().clear();
        }
        for (String task : List.of(first, second)) {
            JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
            assertThat(done.getString("state")).as(done.prettify()).isEqualTo("installed");
        }
    }

    private Map<String, Object> ubuntu(String name, String hostname) {
        Map<String, Object> body = base("Ubuntu Jammy Jellyfish 22.04", name);
        body.put("hostname", hostname);
        body.put("username", "alice");
        body.put("password", PASSWORD);
        return body;
    }

    /** The installer is done and the installed system's start was asked for, not yet answered by its running. */
    private boolean bootUnderway(String task) {
        TaskInfo row = tasks.find(task).orElseThrow();
        return !row.isFinished() && row.progress() >= 0.9;
    }

    @Test
    void debianWithStaticIpAndCustomPartitions() {
        Map<String, Object> body = base("Debian Bookworm 12", "debian-static");
        body.put("vdi_size", 20_000);
        body.put("hostname", "db01");
        body.put("username", "bob");
        body.put("fullname", "Bob Builder");
        body.put("password", PASSWORD);
        body.put("ip", "10.10.10.77");
        body.put("gateway", "10.10.10.1");
        body.put("netmask", "255.255.255.0");
        body.put("dns0", "10.10.10.2");
        body.put("partition", "/-8192--/home-4096-xfs-swap-512");
        String task = create(alice, body);

        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).as(done.prettify()).isEqualTo("installed");
        String file = simulator.installerFetches(done.getString("uuid")).get(0).body();
        assertThat(file).contains("d-i netcfg/get_ipaddress string 10.10.10.77\n")
                .contains("d-i netcfg/get_gateway string 10.10.10.1\n")
                .contains("d-i netcfg/get_nameservers string 10.10.10.2\n")
                .contains("d-i partman-auto/choose_recipe select vmemperor\n").contains("mountpoint{ /home }")
                .contains("4096 4096 4096 xfs").contains("512 512 512 linux-swap")
                .contains("d-i passwd/user-fullname string Bob Builder\n")
                .contains("d-i passwd/user-password-crypted password $6$").doesNotContain(PASSWORD);
    }

    @Test
    void centosKickstart() {
        Map<String, Object> body = base("CentOS 7", "centos-ks");
        body.put("hostname", "ks01");
        body.put("username", "carol");
        body.put("password", PASSWORD);
        body.put("mirror_url", "http://mirror.example.org/centos/7/os/x86_64");
        String task = create(alice, body);

        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).as(done.prettify()).isEqualTo("installed");
        InstallerFetch fetch = simulator.installerFetches(done.getString("uuid")).get(0);
        assertThat(fetch.url()).contains("/autoinstall/");
        assertThat(fetch.body()).contains("url --url=http://mirror.example.org/centos/7/os/x86_64\n")
                .contains("user --name=carol").contains("--iscrypted --password=$6$").contains("autopart")
                .doesNotContain(PASSWORD);
    }

    @Test
    void manualIsoInstallIsInstalledOnceItRuns() {
        Map<String, Object> body = base("Other install media", "iso-manual");
        String iso = uuid("VDI", "debian-12.iso");
        body.put("iso", iso);
        String task = create(alice, body);

        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).as(done.prettify()).isEqualTo("installed");
        assertThat(done.getString("message")).contains("console");
        String vm = done.getString("uuid");
        assertThat(simulator.installerFetches(vm)).isEmpty();
        Map<String, Object> record = simulator.pool().record("VM", vm);
        assertThat(record.get("power_state")).isEqualTo("Running");
        assertThat(String.valueOf(record.get("HVM_boot_params"))).contains("order=dc");
        String isoRef = simulator.pool().ref("VDI", iso);
        assertThat(simulator.pool().records("VBD").values().stream()
                .filter(vbd -> simulator.pool().ref("VM", vm).equals(vbd.get("VM")))
                .filter(vbd -> "CD".equals(String.valueOf(vbd.get("type"))))
                .map(vbd -> vbd.get("VDI"))).containsExactly(isoRef);

        // the VM vanishes from the pool behind VMEmperor's back (as a pool restored from an older state loses it):
        // the task must not go on reading as an existing installed VM
        simulator.pool().destroy("VM", vm);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(as(alice)
                .body(Map.of("task", task)).post("/taskstatus").then().statusCode(200).extract().jsonPath()
                .getString("message")).contains("the VM no longer exists in the pool"));
    }

    @Test
    void aTemplateThatIsNotEnabledIsRefused() {
        Map<String, Object> body = base("Debian Buster 10", "not-enabled");
        body.put("hostname", "x1");
        body.put("username", "alice");
        body.put("password", PASSWORD);
        as(alice).body(body).post("/createvm").then().statusCode(400).body("message", containsString("'template'"));
        assertNoVm("not-enabled");
    }

    @Test
    void missingOrInvalidArgumentsAreNamedAndNothingIsCreated() {
        Map<String, Object> body = base("Ubuntu Jammy Jellyfish 22.04", "missing-args");
        body.remove("storage");
        as(alice).body(body).post("/createvm").then().statusCode(400).body("message", containsString("'storage'"));

        body = base("Ubuntu Jammy Jellyfish 22.04", "missing-args");
        body.put("username", "alice");
        body.put("password", PASSWORD);
        as(alice).body(body).post("/createvm").then().statusCode(400).body("message", containsString("'hostname'"));

        body.put("hostname", "h1");
        body.put("vdi_size", 0);
        as(alice).body(body).post("/createvm").then().statusCode(400).body("message", containsString("'vdi_size'"));

        body.put("vdi_size", 4096);
        body.put("partition", "/-8192--");
        as(alice).body(body).post("/createvm").then().statusCode(400).body("message", containsString("'partition'"));

        Map<String, Object> iso = base("Other install media", "missing-args");
        as(alice).body(iso).post("/createvm").then().statusCode(400).body("message", containsString("'iso'"));

        iso.put("iso", "00000000-0000-0000-0000-000000000000");
        as(alice).body(iso).post("/createvm").then().statusCode(400).body("details[0]", is("UUID_INVALID"));
        iso.put("iso", someDisk());
        as(alice).body(iso).post("/createvm").then().statusCode(400).body("message", containsString("'iso'"));

        Map<String, Object> isoSr = base("Other install media", "missing-args");
        isoSr.put("iso", uuid("VDI", "debian-12.iso"));
        isoSr.put("storage", uuid("SR", "ISO library"));
        as(alice).body(isoSr).post("/createvm").then().statusCode(400).body("message", containsString("'storage'"));
        assertNoVm("missing-args");
    }

    @Test
    void withoutAttachOnTheNetworkIs403() {
        String dave = users.token("dave");
        Map<String, Object> body = base("Other install media", "no-attach");
        body.put("iso", uuid("VDI", "debian-12.iso"));
        as(dave).body(body).post("/createvm").then().statusCode(403);
        assertNoVm("no-attach");
    }

    @Test
    void anSrTooSmallFailsWithSrFull() {
        Map<String, Object> body = base("Other install media", "sr-full");
        body.put("iso", uuid("VDI", "debian-12.iso"));
        body.put("vdi_size", 100_000_000);
        String task = create(alice, body);

        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("provision the disk").contains("SR_FULL");
    }

    @Test
    void aVmThatCannotStartFailsWithTheError() {
        Map<String, Object> body = base("Other install media", "no-start");
        body.put("iso", uuid("VDI", "debian-12.iso"));
        simulator.faults().failNext("VM.start", "BOOTLOADER_FAILED", "OpaqueRef:x", "no kernel");
        String task = create(alice, body);

        JsonPath done = awaitFinished(alice, task, new LinkedHashSet<>());
        assertThat(done.getString("state")).isEqualTo("failed");
        assertThat(done.getString("message")).contains("start the VM").contains("BOOTLOADER_FAILED");
        assertThat(done.getString("uuid")).as("the half-built VM is kept for the user to see").isNotBlank();
    }

    // --- helpers ---

    private Map<String, Object> base(String template, String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("template", uuid("VM", template));
        body.put("storage", sr);
        body.put("network", network);
        body.put("vdi_size", 10_240);
        body.put("ram_size", 1024);
        body.put("name_label", name);
        return body;
    }

    private String create(String token, Map<String, Object> body) {
        String task = as(token).body(body).post("/createvm").then().statusCode(200).extract().jsonPath()
                .getString("task");
        assertThat(task).isNotBlank();
        return task;
    }

    /** Polls /taskstatus until installed or failed, recording every state seen on the way. */
    static JsonPath awaitFinished(String token, String task, Set<String> seen) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = as(token).body(Map.of("task", task)).post("/taskstatus").then().statusCode(200).extract()
                    .jsonPath();
            String state = last[0].getString("state");
            seen.add(state);
            return "installed".equals(state) || "failed".equals(state);
        });
        return last[0];
    }

    private void enable(String template) {
        String uuid = uuid("VM", template);
        @SuppressWarnings("unchecked")
        List<String> tags = (List<String>) simulator.pool().record("VM", uuid).get("tags");
        if (!tags.contains("vmemperor")) {
            simulator.pool().set("VM", uuid, "tags", List.of("vmemperor"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.byUuid(XenClass.VM, uuid)
                .map(vm -> vm.strings("tags").contains("vmemperor")).orElse(false));
    }

    private String uuid(String cls, String name) {
        return (String) simulator.pool().record(cls, simulator.pool().refByName(cls, name).orElseThrow()).get("uuid");
    }

    /** A disk VDI (not an ISO) of the demo pool. */
    private String someDisk() {
        String localStorage = simulator.pool().ref("SR", sr);
        return simulator.pool().records("VDI").values().stream().filter(vdi -> localStorage.equals(vdi.get("SR")))
                .map(vdi -> (String) vdi.get("uuid")).findFirst().orElseThrow();
    }

    private void assertNoVm(String name) {
        assertThat(simulator.pool().records("VM").values().stream().map(vm -> vm.get("name_label")))
                .doesNotContain(name);
    }
}
