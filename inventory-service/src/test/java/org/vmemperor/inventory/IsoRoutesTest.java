package org.vmemperor.inventory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.vmemperor.inventory.testing.Callers.as;
import static org.vmemperor.inventory.testing.Callers.postAs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.inventory.testing.Callers;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
class IsoRoutesTest {

    private static final List<String> ENTRY_KEYS = List.of("SR", "VMs", "location", "name_description", "name_label",
            "ref", "uuid", "virtual_size");

    @Inject
    TokenSigner signer;

    @Inject
    XenObjectCache cache;

    @InjectSimulator
    XapiSimulator simulator;

    /** ISOs carry no rights: a user with none sees them all. */
    private final UserPrincipal user = Callers.user("iso-user");

    @BeforeEach
    void poolLoaded() {
        await().atMost(Duration.ofSeconds(30)).until(cache::isReady);
    }

    @Test
    void listsEveryIsoAsTheSpecDoes() {
        List<Map<String, Object>> isos = isolist("");
        assertThat(isos).extracting(iso -> iso.get("name_label")).contains("systemrescuecd-x86-5.0.1.iso",
                "debian-12.iso", "ubuntu-22.04.iso", "CentOS-7-x86_64-Minimal-2009.iso", "guest-tools.iso");
        // no virtual disk of a VM is an ISO
        assertThat(isos).extracting(iso -> (String) iso.get("name_label")).noneMatch(name -> name.contains("-vm-"));
        assertThat(isos).allSatisfy(iso -> assertThat(Callers.keys(iso)).isEqualTo(ENTRY_KEYS));

        for (Map<String, Object> iso : isos) {
            Map<String, Object> record = simulator.pool().record("VDI", (String) iso.get("uuid"));
            Map<String, Object> sr = simulator.pool().record("SR", (String) record.get("SR"));
            assertThat(iso.get("SR")).isEqualTo(sr.get("uuid"));
            assertThat(iso.get("location")).isEqualTo(record.get("location"));
            assertThat(iso.get("name_description")).isEqualTo(record.get("name_description"));
            assertThat(iso.get("ref")).isEqualTo(simulator.pool().ref("VDI", (String) iso.get("uuid")));
            assertThat(iso.get("virtual_size")).isEqualTo(String.valueOf(record.get("virtual_size")));
            List<String> vms = ((List<?>) record.get("VBDs")).stream()
                    .map(vbd -> (String) simulator.pool().record("VBD", (String) vbd).get("VM"))
                    .map(vm -> (String) simulator.pool().record("VM", vm).get("uuid")).distinct().toList();
            assertThat(iso.get("VMs")).asList().containsExactlyInAnyOrderElementsOf(vms);
        }
        // the demo pool puts an image in the CD drive of every second VM
        assertThat(isos).anySatisfy(iso -> assertThat(iso.get("VMs")).asList().isNotEmpty());

        Map<String, Object> first = isos.get(0);
        Map<String, Object> info = Callers.object(postAs(signer, user, Map.of("uuid", first.get("uuid")))
                .post("/isoinfo").then().statusCode(200).extract().asString());
        assertThat(info).isEqualTo(first);
        assertThat(Callers.keys(info)).isEqualTo(ENTRY_KEYS);
    }

    @Test
    void anIsoAddedToTheLibraryShowsWithoutARestart() {
        String library = simulator.pool().refByName("SR", "ISO library").orElseThrow();
        String ref = simulator.pool().addVdi(library, "added.iso", 1024L * 1024);
        String uuid = (String) simulator.pool().record("VDI", ref).get("uuid");
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(isolist(""), uuid) != null);
        simulator.pool().destroy("VDI", ref);
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(isolist(""), uuid) == null);
    }

    @Test
    void pages() {
        List<Object> all = isolist("").stream().map(iso -> iso.get("uuid")).toList();
        assertThat(isolist("?page=2&page_size=2").stream().map(iso -> iso.get("uuid")).toList())
                .isEqualTo(all.subList(2, 4));
        assertThat(isolist("?page=9&page_size=10")).isEmpty();
        assertThat(isolist("?page=9223372036854775807&page_size=2")).isEmpty();
        assertThat(isolist("?page=-9223372036854775808&page_size=9223372036854775807")).hasSameSizeAs(all);
    }

    @Test
    void rejectsBadInputAndNonIsos() {
        postAs(signer, user, Map.of()).post("/isoinfo").then().statusCode(400).body("status", is("bad request"));
        postAs(signer, user, Map.of("uuid", List.of("x"))).post("/isoinfo").then().statusCode(400);
        postAs(signer, user, "not json").post("/isoinfo").then().statusCode(400).body("status", is("bad request"));
        String unknown = "07d14688-86cd-41ce-93d8-c88f9f7a590d";
        postAs(signer, user, Map.of("uuid", unknown)).post("/isoinfo").then().statusCode(400)
                .body("details", contains("UUID_INVALID", "vdi", unknown));
        // a VM's disk is a VDI but not an ISO
        String disk = simulator.pool().refByName("VDI", "debian-vm-03 0").orElseThrow();
        String diskUuid = (String) simulator.pool().record("VDI", disk).get("uuid");
        postAs(signer, user, Map.of("uuid", diskUuid)).post("/isoinfo").then().statusCode(400)
                .body("details", contains("UUID_INVALID", "vdi", diskUuid));
        given().get("/isolist").then().statusCode(401);
        given().contentType("application/json").body(Map.of("uuid", unknown)).post("/isoinfo").then().statusCode(401);
    }

    private List<Map<String, Object>> isolist(String query) {
        return Callers.objects(as(signer, user).get("/isolist" + query).then().statusCode(200).extract().asString());
    }
}
