package org.vmemperor.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.vmemperor.vm.testing.Users.as;

import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;
import org.vmemperor.vm.testing.TestPool;
import org.vmemperor.vm.testing.Users;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** /vminfo /vmdiskinfo /vmnetinfo GET /vmlist /startstopvm /rebootvm /destroyvm against the simulated pool. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class VmRoutesTest {

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @Inject
    TaskService tasks;
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("/vmlist")
    URL vmlistUrl;

    Users users;
    TestPool pool;

    @BeforeEach
    void setUp() {
        users = new Users(signer, rights);
        pool = new TestPool(simulator);
    }

    /** A new halted VM on which {@code user} holds {@code action}, once the service's cache shows it. */
    String ownedVm(String user, Action action) {
        String uuid = pool.newHaltedVm(user + "-vm");
        users.grant(ObjectType.VM, uuid, user, action);
        String admin = users.adminToken();
        await().atMost(Duration.ofSeconds(60)).until(() -> as(admin).body(Map.of("uuid", uuid)).post("/vminfo")
                .then().extract().statusCode() == 200
                && as(admin).body(Map.of("uuid", uuid)).post("/vminfo").then().extract()
                        .<List<?>> path("access").size() > 0);
        return uuid;
    }

    static JsonPath awaitTask(String token, String task) {
        return await().atMost(Duration.ofSeconds(60)).until(
                () -> as(token).body(Map.of("task", task)).post("/taskstatus").then().statusCode(200).extract()
                        .jsonPath(),
                json -> !"pending".equals(json.getString("status")));
    }

    @Test
    void vminfoShowsTheSpecRecordToWhoeverMayLaunch() {
        String uuid = ownedVm("alice", Action.LAUNCH);
        as(users.token("alice")).body(Map.of("uuid", uuid)).post("/vminfo").then().statusCode(200)
                .body("uuid", is(uuid))
                .body("ref", notNullValue())
                .body("name_label", is("alice-vm"))
                .body("power_state", is("Halted"))
                .body("access.userid", hasItem("users/alice"))
                .body("disks.values().type", hasItem("Disk"))
                .body("disks.values().type", hasItem("CD"))
                .body("networks", hasKey("0"))
                .body("networks.'0'.network", notNullValue())
                .body("$", hasKey("memory_actual"))
                .body("$", hasKey("os_version"))
                .body("$", hasKey("PV_drivers_version"));
        // bob holds nothing: 403 access denied
        as(users.token("bob")).body(Map.of("uuid", uuid)).post("/vminfo").then().statusCode(403)
                .body("status", is("access denied"));
        // unknown uuid: the spec's 400 with the XenAPI error in details
        as(users.token("alice")).body(Map.of("uuid", "no-such-vm")).post("/vminfo").then().statusCode(400)
                .body("status", is("bad request")).body("details", contains("UUID_INVALID", "vm", "no-such-vm"));
        // missing argument and malformed JSON are 400 too
        as(users.token("alice")).body(Map.of()).post("/vminfo").then().statusCode(400);
        as(users.token("alice")).body("{not json").post("/vminfo").then().statusCode(400)
                .body("status", is("bad request"));
        // no token: 401
        io.restassured.RestAssured.given().contentType("application/json").body(Map.of("uuid", uuid))
                .post("/vminfo").then().statusCode(401);
    }

    @Test
    void runningVmShowsGuestAddressesAndMetrics() {
        String uuid = ownedVm("carol", Action.ALL);
        String carol = users.token("carol");
        String task = as(carol).body(Map.of("uuid", uuid, "enable", true)).post("/startstopvm").then()
                .statusCode(200).extract().path("task");
        assertThat(awaitTask(carol, task).getString("status")).isEqualTo("success");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> as(carol).body(Map.of("uuid", uuid))
                .post("/vminfo").then().statusCode(200).body("power_state", is("Running"))
                .body("start_time", notNullValue()).body("memory_actual", notNullValue()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void diskAndNetInfoMergeDeviceAndEntry() {
        String uuid = ownedVm("dave", Action.LAUNCH);
        JsonPath disks = as(users.token("dave")).body(Map.of("uuid", uuid)).post("/vmdiskinfo").then()
                .statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> byVbd = disks.getMap("$");
        assertThat(byVbd).isNotEmpty();
        assertThat(byVbd.keySet()).allMatch(key -> key.startsWith("OpaqueRef:"));
        Map<String, Object> disk = byVbd.values().stream().filter(d -> "Disk".equals(d.get("type"))).findFirst()
                .orElseThrow();
        assertThat(disk).containsKeys("SR", "VDI", "VMs", "access", "attached", "bootable", "device", "mode",
                "name_label", "ref", "virtual_size");
        assertThat((List<Object>) disk.get("VMs")).contains(uuid);
        Map<String, Map<String, Object>> nets = as(users.token("dave")).body(Map.of("uuid", uuid))
                .post("/vmnetinfo").then().statusCode(200).extract().jsonPath().getMap("$");
        assertThat(nets).containsKey("0");
        assertThat(nets.get("0")).containsKeys("MAC", "PIFs", "VIF", "VMs", "access", "attached", "name_label",
                "network", "other_config", "ref", "status");
        as(users.token("erin")).body(Map.of("uuid", uuid)).post("/vmdiskinfo").then().statusCode(403);
        as(users.token("erin")).body(Map.of("uuid", uuid)).post("/vmnetinfo").then().statusCode(403);
    }

    @Test
    void getVmlistShowsOnlyWhatTheUserHoldsRightsOn() {
        String uuid = ownedVm("frank", Action.LAUNCH);
        as(users.token("frank")).get("/vmlist").then().statusCode(200)
                .body("uuid", contains(uuid))
                .body("[0].name_label", is("frank-vm"));
        as(users.token("nobody")).get("/vmlist").then().statusCode(200).body("size()", is(0));
        as(users.adminToken()).get("/vmlist").then().statusCode(200).body("uuid", hasItem(uuid))
                .body("size()", equalTo((int) simulator.pool().records("VM").values().stream()
                        .filter(vm -> !Boolean.TRUE.equals(vm.get("is_a_template"))
                                && !Boolean.TRUE.equals(vm.get("is_control_domain")))
                        .count()));
    }

    @Test
    void getVmlistIsGzippedWhenAsked() throws Exception {
        String uuid = ownedVm("hank", Action.LAUNCH);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(vmlistUrl.toURI())
                .header("Authorization", "Bearer " + users.token("hank"));

        HttpResponse<byte[]> gzipped = http.send(request.copy().header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> plain = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(gzipped.statusCode()).isEqualTo(200);
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
        assertThat(JsonPath.from(new String(unzipped, StandardCharsets.UTF_8)).getList("uuid")).containsExactly(uuid);
        assertThat(plain.headers().firstValue("Content-Encoding").orElse("identity")).isEqualTo("identity");
        assertThat(unzipped).isEqualTo(plain.body());
        assertThat(gzipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        // written from direct memory: still one body of a known length, not a chunked stream
        assertThat(gzipped.headers().firstValueAsLong("Content-Length")).hasValue(gzipped.body().length);
        assertThat(plain.headers().firstValueAsLong("Content-Length")).hasValue(plain.body().length);
        assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");

        HttpResponse<byte[]> refused = http.send(request.copy().header("Accept-Encoding", "gzip;q=0, br").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(refused.headers().firstValue("Content-Encoding").orElse("identity")).isEqualTo("identity");
        assertThat(refused.body()).isEqualTo(plain.body());

        // HEAD: GET's headers, the length of the body GET would send in each form, no body
        HttpResponse<byte[]> plainHead = http.send(request.copy().method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> gzippedHead = http.send(request.copy().method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(plainHead.statusCode()).isEqualTo(200);
        assertThat(plainHead.body()).isEmpty();
        assertThat(plainHead.headers().firstValueAsLong("Content-Length")).hasValue(plain.body().length);
        assertThat(plainHead.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");
        assertThat(plainHead.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plainHead.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(gzippedHead.statusCode()).isEqualTo(200);
        assertThat(gzippedHead.body()).isEmpty();
        assertThat(gzippedHead.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gzippedHead.headers().firstValueAsLong("Content-Length")).hasValue(gzipped.body().length);
        HttpResponse<byte[]> anonymousHead = http.send(HttpRequest.newBuilder(vmlistUrl.toURI())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(anonymousHead.statusCode()).isEqualTo(401);
    }

    @Test
    void theAdministratorsWholeListIsTheSameGzippedOrNotAndFollowsChanges() throws Exception {
        String uuid = ownedVm("ivan", Action.LAUNCH);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(vmlistUrl.toURI())
                .header("Authorization", "Bearer " + users.adminToken());
        HttpResponse<byte[]> plain = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> gzipped = http.send(request.copy().header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes())
                .isEqualTo(plain.body());

        // the whole list is kept per version of the cache: a rename shows in both forms
        simulator.pool().set("VM", uuid, "name_label", "ivan-renamed");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            HttpResponse<byte[]> again = http.send(request.copy().header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String json = new String(new GZIPInputStream(new ByteArrayInputStream(again.body())).readAllBytes(),
                    StandardCharsets.UTF_8);
            return json.contains("\"ivan-renamed\"");
        });
        as(users.adminToken()).get("/vmlist").then().statusCode(200).body("find { it.uuid == '" + uuid + "' }.name_label",
                is("ivan-renamed"));
    }

    /** /vminfo answers from records serialised in advance: a change of any object it shows must reach it. */
    @Test
    void vminfoFollowsChangesOfTheObjectsItShows() {
        String uuid = ownedVm("ivan", Action.LAUNCH);
        String ivan = users.token("ivan");
        Map<String, Map<String, Object>> disks = as(ivan).body(Map.of("uuid", uuid)).post("/vminfo").then()
                .statusCode(200).extract().jsonPath().getMap("disks");
        String vbd = disks.keySet().iterator().next();
        boolean bootable = (Boolean) disks.get(vbd).get("bootable");

        simulator.pool().set("VBD", vbd, "bootable", !bootable);

        await().atMost(Duration.ofSeconds(60)).until(() -> as(ivan).body(Map.of("uuid", uuid)).post("/vminfo")
                .then().extract().jsonPath().<String, Map<String, Object>> getMap("disks").get(vbd)
                .get("bootable").equals(!bootable));
    }

    @Test
    void powerStateTransitionsGoThroughTasks() {
        String uuid = ownedVm("gina", Action.LAUNCH);
        String gina = users.token("gina");

        String start = as(gina).body(Map.of("uuid", uuid, "enable", true)).post("/startstopvm").then()
                .statusCode(200).body("task", not(emptyString())).extract().path("task");
        // the row exists before the answer: never a 404 for a task just returned
        as(gina).body(Map.of("task", start)).post("/taskstatus").then().statusCode(200)
                .body("created", notNullValue());
        JsonPath done = awaitTask(gina, start);
        assertThat(done.getString("status")).isEqualTo("success");
        assertThat(done.getDouble("progress")).isEqualTo(1.0);
        assertThat(done.getString("finished")).isNotNull();
        assertThat(done.getString("created")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
        assertThat(pool.powerState(uuid)).isEqualTo("Running");

        // already running: not an error, a task that is already success
        String again = as(gina).body(Map.of("uuid", uuid, "enable", "yes")).post("/startstopvm").then()
                .statusCode(200).extract().path("task");
        assertThat(awaitTask(gina, again).getString("status")).isEqualTo("success");

        // the cache must see Running before the next decision is taken from it
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> as(gina).body(Map.of("uuid", uuid))
                .post("/vminfo").then().body("power_state", is("Running")));
        // "FALSE" in any case stops
        String stop = as(gina).body(Map.of("uuid", uuid, "enable", "FALSE")).post("/startstopvm").then()
                .statusCode(200).extract().path("task");
        assertThat(awaitTask(gina, stop).getString("status")).isEqualTo("success");
        assertThat(pool.powerState(uuid)).isEqualTo("Halted");

        // the finished XenAPI tasks are destroyed on the pool once recorded
        String xenTask = tasks.find(start).orElseThrow().xenapiRef();
        assertThat(xenTask).startsWith("OpaqueRef:");
        await().atMost(Duration.ofSeconds(60)).until(() -> !simulator.pool().records("task").containsKey(xenTask));

        // enable missing: 400; someone without launch: 403
        as(gina).body(Map.of("uuid", uuid)).post("/startstopvm").then().statusCode(400);
        as(users.token("harry")).body(Map.of("uuid", uuid, "enable", true)).post("/startstopvm").then()
                .statusCode(403);
    }

    @Test
    void badPowerStateLandsInErrorInfo() {
        String uuid = ownedVm("ian", Action.LAUNCH);
        String ian = users.token("ian");
        String reboot = as(ian).body(Map.of("uuid", uuid)).post("/rebootvm").then().statusCode(200).extract()
                .path("task");
        JsonPath failed = awaitTask(ian, reboot);
        assertThat(failed.getString("status")).isEqualTo("failure");
        assertThat(failed.getList("error_info", String.class)).first().isEqualTo("VM_BAD_POWER_STATE");
        assertThat(failed.getString("finished")).isNotNull();
    }

    @Test
    void rebootOfARunningVm() {
        String uuid = ownedVm("jack", Action.LAUNCH);
        String jack = users.token("jack");
        String start = as(jack).body(Map.of("uuid", uuid, "enable", "true")).post("/startstopvm").then()
                .statusCode(200).extract().path("task");
        assertThat(awaitTask(jack, start).getString("status")).isEqualTo("success");
        String reboot = as(jack).body(Map.of("uuid", uuid)).post("/rebootvm").then().statusCode(200).extract()
                .path("task");
        assertThat(awaitTask(jack, reboot).getString("status")).isEqualTo("success");
        assertThat(pool.powerState(uuid)).isEqualTo("Running");
    }

    @Test
    void destroyKeepsDisksUnlessAsked() {
        String uuid = ownedVm("kate", Action.ALL);
        String kate = users.token("kate");
        List<String> vdis = diskVdis(kate, uuid);

        // only launch: no destroy
        String other = ownedVm("liam", Action.LAUNCH);
        as(users.token("liam")).body(Map.of("uuid", other)).post("/destroyvm").then().statusCode(403);

        String task = as(kate).body(Map.of("uuid", uuid)).post("/destroyvm").then().statusCode(200).extract()
                .path("task");
        assertThat(awaitTask(kate, task).getString("status")).isEqualTo("success");
        assertThat(simulator.pool().records("VM").values()).noneMatch(vm -> uuid.equals(vm.get("uuid")));
        assertThat(vdis).allMatch(vdi -> simulator.pool().record("VDI", vdi) != null);
    }

    @Test
    void destroyRefusesARunningVm() {
        String uuid = ownedVm("mia", Action.ALL);
        String mia = users.token("mia");
        String start = as(mia).body(Map.of("uuid", uuid, "enable", true)).post("/startstopvm").then().statusCode(200)
                .extract().path("task");
        awaitTask(mia, start);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> as(mia).body(Map.of("uuid", uuid))
                .post("/vminfo").then().body("power_state", is("Running")));
        as(mia).body(Map.of("uuid", uuid)).post("/destroyvm").then().statusCode(400)
                .body("details[0]", is("VM_BAD_POWER_STATE"));
    }

    @Test
    void destroyDisksNeedsDestroyOnEachDisk() {
        String uuid = ownedVm("nina", Action.ALL);
        String nina = users.token("nina");
        List<String> vdis = diskVdis(nina, uuid);
        assertThat(vdis).isNotEmpty();
        // nina owns the VM but not its (cloned) disk yet
        as(nina).body(Map.of("uuid", uuid, "destroy_disks", true)).post("/destroyvm").then().statusCode(403);
        vdis.forEach(vdi -> users.grant(ObjectType.VDI, vdi, "nina", Action.DESTROY));
        await().atMost(Duration.ofSeconds(60)).until(() -> diskAccess(nina, uuid).contains("users/nina"));
        String task = as(nina).body(Map.of("uuid", uuid, "destroy_disks", true)).post("/destroyvm").then()
                .statusCode(200).extract().path("task");
        assertThat(awaitTask(nina, task).getString("status")).isEqualTo("success");
        assertThat(simulator.pool().records("VDI").values()).noneMatch(vdi -> vdis.contains(vdi.get("uuid")));
    }

    private static List<String> diskVdis(String token, String uuid) {
        Map<String, Map<String, Object>> disks = as(token).body(Map.of("uuid", uuid)).post("/vmdiskinfo").then()
                .statusCode(200).extract().jsonPath().getMap("$");
        return disks.values().stream().filter(d -> "Disk".equals(d.get("type"))).map(d -> (String) d.get("VDI"))
                .toList();
    }

    private static String diskAccess(String token, String uuid) {
        return as(token).body(Map.of("uuid", uuid)).post("/vmdiskinfo").then().extract().asString();
    }

    @Test
    void unknownVmAndTemplatesAreNotVms() {
        String template = simulator.pool().records("VM").values().stream()
                .filter(vm -> Boolean.TRUE.equals(vm.get("is_a_template"))).map(vm -> (String) vm.get("uuid"))
                .findFirst().orElseThrow();
        as(users.adminToken()).body(Map.of("uuid", template)).post("/vminfo").then().statusCode(400)
                .body("details[0]", is("UUID_INVALID"));
        as(users.adminToken()).body(Map.of("uuid", template, "enable", true)).post("/startstopvm").then()
                .statusCode(400).body("message", not(nullValue()));
    }
}
