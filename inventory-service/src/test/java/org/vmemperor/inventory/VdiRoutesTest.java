package org.vmemperor.inventory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.vmemperor.inventory.testing.Callers.as;
import static org.vmemperor.inventory.testing.Callers.postAs;

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
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskStatusView;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.inventory.testing.Callers;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
class VdiRoutesTest {

    private static final List<String> ENTRY_KEYS = List.of("SR", "VMs", "access", "name_description", "name_label",
            "ref", "uuid", "virtual_size");
    private static final Duration EVENT = Duration.ofSeconds(10);

    @Inject
    TokenSigner signer;

    @Inject
    XenObjectCache cache;

    @Inject
    AccessRightsWriter rights;

    @Inject
    TaskService tasks;

    @InjectSimulator
    XapiSimulator simulator;

    private final String team = Callers.group();
    private final UserPrincipal carol = Callers.user("carol");
    private final UserPrincipal dave = Callers.user("dave", team);

    @BeforeEach
    void poolLoaded() {
        await().atMost(Duration.ofSeconds(30)).until(cache::isReady);
    }

    @Test
    void listsDisksAsTheSpecDoes() {
        String ref = simulator.pool().refByName("VDI", "debian-vm-03 0").orElseThrow();
        Map<String, Object> record = simulator.pool().record("VDI", ref);
        String uuid = (String) record.get("uuid");
        List<Map<String, Object>> disks = vdilist(Callers.ADMIN, "");
        Map<String, Object> entry = Callers.withUuid(disks, uuid);

        assertThat(Callers.keys(entry)).isEqualTo(ENTRY_KEYS);
        assertThat(entry.get("SR")).isEqualTo(simulator.pool().record("SR", (String) record.get("SR")).get("uuid"));
        String vm = simulator.pool().refByName("VM", "debian-vm-03").orElseThrow();
        assertThat(entry.get("VMs")).isEqualTo(List.of(simulator.pool().record("VM", vm).get("uuid")));
        assertThat(entry.get("access")).isEqualTo(List.of());
        assertThat(entry.get("name_description")).isEqualTo(record.get("name_description"));
        assertThat(entry.get("name_label")).isEqualTo("debian-vm-03 0");
        assertThat(entry.get("ref")).isEqualTo(ref);
        assertThat(entry.get("virtual_size")).isEqualTo("10737418240");

        // ISO images are /isolist's, not /vdilist's
        assertThat(disks).extracting(disk -> (String) disk.get("name_label")).noneMatch(name -> name.endsWith(".iso"));

        Map<String, Object> info = Callers.object(postAs(signer, Callers.ADMIN, Map.of("uuid", uuid))
                .post("/vdiinfo").then().statusCode(200).extract().asString());
        assertThat(info).isEqualTo(entry);
    }

    @Test
    void filtersByRightsAndNeedsAttachForInfo() {
        String uuid = newDisk("shared disk");
        assertThat(vdilist(carol, "")).isEmpty();
        assertThat(vdilist(dave, "")).isEmpty();
        postAs(signer, carol, Map.of("uuid", uuid)).post("/vdiinfo").then().statusCode(403)
                .body("status", is("access denied"));

        rights.update(ObjectType.VDI, uuid, list -> list.grant(carol.id(), Action.ATTACH));
        await().atMost(EVENT).until(() -> uuids(vdilist(carol, "")).equals(List.of(uuid)));
        assertThat(vdilist(carol, "").get(0).get("access"))
                .isEqualTo(List.of(Map.of("userid", carol.id(), "access", List.of("attach"))));
        postAs(signer, carol, Map.of("uuid", uuid)).post("/vdiinfo").then().statusCode(200).body("uuid", is(uuid));
        assertThat(vdilist(dave, "")).isEmpty();

        // dave holds destroy through his group: he sees the disk, but /vdiinfo needs attach
        rights.update(ObjectType.VDI, uuid, list -> list.grant(team, Action.DESTROY));
        await().atMost(EVENT).until(() -> uuids(vdilist(dave, "")).equals(List.of(uuid)));
        postAs(signer, dave, Map.of("uuid", uuid)).post("/vdiinfo").then().statusCode(403);

        // the administrator sees every disk
        assertThat(uuids(vdilist(Callers.ADMIN, ""))).contains(uuid).hasSizeGreaterThan(3);
    }

    @Test
    void pagesTheCallersDisks() {
        String first = newDisk("page disk a");
        String second = newDisk("page disk b");
        String third = newDisk("page disk c");
        for (String uuid : List.of(first, second, third)) {
            rights.update(ObjectType.VDI, uuid, list -> list.grant(dave.id(), Action.LAUNCH));
        }
        await().atMost(EVENT).until(() -> vdilist(dave, "").size() == 3);
        assertThat(uuids(vdilist(dave, ""))).containsExactly(first, second, third);
        assertThat(uuids(vdilist(dave, "?page=1&page_size=2"))).containsExactly(first, second);
        assertThat(uuids(vdilist(dave, "?page=2&page_size=2"))).containsExactly(third);
        assertThat(vdilist(dave, "?page=3&page_size=2")).isEmpty();
        assertThat(vdilist(dave, "?page=4611686018427387904&page_size=4")).isEmpty();
        as(signer, dave).get("/vdilist?page_size=-1").then().statusCode(400).body("status", is("bad request"));
    }

    @Test
    void destroysADiskAsATaskForWhoeverHoldsDestroy() {
        String uuid = newDisk("doomed disk");
        rights.update(ObjectType.VDI, uuid, list -> list.grant(carol.id(), Action.ATTACH));
        rights.update(ObjectType.VDI, uuid, list -> list.grant(team, Action.DESTROY));
        await().atMost(EVENT).until(() -> uuids(vdilist(carol, "")).contains(uuid));
        await().atMost(EVENT).until(() -> uuids(vdilist(dave, "")).contains(uuid));

        postAs(signer, carol, Map.of("uuid", uuid)).post("/destroyvdi").then().statusCode(403)
                .body("status", is("access denied"));

        String task = postAs(signer, dave, Map.of("uuid", uuid)).post("/destroyvdi").then().statusCode(200)
                .body("task", matchesPattern("[0-9a-f-]{36}")).extract().path("task");
        await().atMost(EVENT).until(() -> tasks.status(task, dave).map(view -> ((TaskStatusView.Standard) view).status())
                .filter(status -> !"pending".equals(status)).isPresent());
        TaskStatusView.Standard status = (TaskStatusView.Standard) tasks.status(task, dave).orElseThrow();
        assertThat(status.status()).isEqualTo("success");
        assertThat(status.progress()).isEqualTo(1.0);
        assertThat(status.finished()).isNotNull();
        assertThat(status.errorInfo()).isNull();
        assertThat(tasks.find(task).orElseThrow().kind()).isEqualTo(TaskKind.DESTROYVDI);
        // someone else's task stays invisible (the spec's 404)
        assertThat(tasks.status(task, carol)).isEmpty();

        // gone from the lists, and its uuid is now unknown
        await().atMost(EVENT).until(() -> !uuids(vdilist(Callers.ADMIN, "")).contains(uuid));
        assertThat(vdilist(dave, "")).extracting(disk -> disk.get("uuid")).doesNotContain(uuid);
        postAs(signer, Callers.ADMIN, Map.of("uuid", uuid)).post("/vdiinfo").then().statusCode(400)
                .body("details", contains("UUID_INVALID", "vdi", uuid));
        postAs(signer, Callers.ADMIN, Map.of("uuid", uuid)).post("/destroyvdi").then().statusCode(400)
                .body("details", contains("UUID_INVALID", "vdi", uuid));
    }

    @Test
    void destroyingADiskInUseFailsInTheTaskWithVdiInUse() {
        String ref = simulator.pool().refByName("VDI", "centos-vm-02 0").orElseThrow();
        String uuid = (String) simulator.pool().record("VDI", ref).get("uuid");

        String task = postAs(signer, Callers.ADMIN, Map.of("uuid", uuid)).post("/destroyvdi").then().statusCode(200)
                .extract().path("task");
        await().atMost(EVENT).until(() -> tasks.status(task, Callers.ADMIN)
                .map(view -> ((TaskStatusView.Standard) view).status()).filter(status -> !"pending".equals(status))
                .isPresent());
        TaskStatusView.Standard status = (TaskStatusView.Standard) tasks.status(task, Callers.ADMIN).orElseThrow();
        assertThat(status.status()).isEqualTo("failure");
        assertThat(status.errorInfo()).first().isEqualTo("VDI_IN_USE");
        assertThat(status.errorInfo()).contains(ref);
        // the disk is still there
        assertThat(uuids(vdilist(Callers.ADMIN, ""))).contains(uuid);
    }

    @Test
    void rejectsBadInput() {
        postAs(signer, dave, Map.of()).post("/vdiinfo").then().statusCode(400).body("status", is("bad request"));
        postAs(signer, dave, Map.of()).post("/destroyvdi").then().statusCode(400).body("status", is("bad request"));
        postAs(signer, dave, Map.of("uuid", true)).post("/destroyvdi").then().statusCode(400);
        postAs(signer, dave, "[\"uuid\"]").post("/destroyvdi").then().statusCode(400);
        postAs(signer, dave, "{uuid: }").post("/destroyvdi").then().statusCode(400).body("status", is("bad request"));
        String unknown = "f6a0f7fc-2ecb-4351-b668-c191e4316d16";
        postAs(signer, dave, Map.of("uuid", unknown)).post("/vdiinfo").then().statusCode(400)
                .body("details", contains("UUID_INVALID", "vdi", unknown));
        postAs(signer, dave, Map.of("uuid", unknown)).post("/destroyvdi").then().statusCode(400)
                .body("details", contains("UUID_INVALID", "vdi", unknown));
        // an ISO is not a VDI here: not shown, not destroyed
        String iso = simulator.pool().refByName("VDI", "debian-12.iso").orElseThrow();
        String isoUuid = (String) simulator.pool().record("VDI", iso).get("uuid");
        postAs(signer, Callers.ADMIN, Map.of("uuid", isoUuid)).post("/destroyvdi").then().statusCode(400)
                .body("details", contains("UUID_INVALID", "vdi", isoUuid));
        postAs(signer, Callers.ADMIN, Map.of("uuid", isoUuid)).post("/vdiinfo").then().statusCode(400);
        given().contentType("application/json").body(Map.of("uuid", unknown)).post("/destroyvdi").then()
                .statusCode(401);
        given().get("/vdilist").then().statusCode(401);
    }

    private String newDisk(String name) {
        String local = simulator.pool().refByName("SR", "Local storage").orElseThrow();
        String ref = simulator.pool().addVdi(local, name, 1024L * 1024 * 1024);
        String uuid = (String) simulator.pool().record("VDI", ref).get("uuid");
        await().atMost(EVENT).until(() -> uuids(vdilist(Callers.ADMIN, "")).contains(uuid));
        return uuid;
    }

    private List<Map<String, Object>> vdilist(UserPrincipal caller, String query) {
        return Callers.objects(as(signer, caller).get("/vdilist" + query).then().statusCode(200).extract().asString());
    }

    private static List<Object> uuids(List<Map<String, Object>> entries) {
        return entries.stream().map(entry -> entry.get("uuid")).toList();
    }
}
