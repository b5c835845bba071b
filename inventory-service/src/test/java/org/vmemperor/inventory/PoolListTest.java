package org.vmemperor.inventory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.inventory.testing.Callers.as;

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
class PoolListTest {

    private static final List<String> POOL_KEYS = List.of("networks", "storage_resources", "hdd_available",
            "host_list", "url", "description", "uuid", "templates_enabled");
    private static final List<String> HOST_KEYS = List.of("name_label", "resident_VMs", "software_version",
            "cpu_info", "memory_total", "memory_free", "live", "memory_available");

    @Inject
    TokenSigner signer;

    @Inject
    XenObjectCache cache;

    @InjectSimulator
    XapiSimulator simulator;

    private final UserPrincipal user = Callers.user("pool-user");

    @BeforeEach
    void poolLoaded() {
        await().atMost(Duration.ofSeconds(30)).until(cache::isReady);
    }

    @Test
    void showsThePoolAsTheSpecDoesWithTheUrlForAdministratorsOnly() {
        List<Map<String, Object>> pools = Callers
                .objects(as(signer, Callers.ADMIN).get("/poollist").then().statusCode(200).extract().asString());
        assertThat(pools).hasSize(1);
        Map<String, Object> pool = pools.get(0);
        assertThat(Callers.keys(pool)).isEqualTo(POOL_KEYS);
        assertThat(pool.get("url")).isEqualTo(simulator.url());
        assertThat(pool.get("description")).isEqualTo("testing");
        String poolRef = simulator.pool().refs("pool").get(0);
        assertThat(pool.get("uuid")).isEqualTo(simulator.pool().record("pool", poolRef).get("uuid"));

        // networks: uuid and name_label, the host-internal management network left out
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> networks = (List<Map<String, Object>>) pool.get("networks");
        assertThat(networks).allSatisfy(network -> assertThat(Callers.keys(network)).containsExactly("uuid", "name_label"));
        assertThat(networks).extracting(network -> network.get("name_label"))
                .contains("Pool-wide network associated with eth0", "second net")
                .doesNotContain("Host internal management network");

        // storage: only SRs that hold disks, labelled with their free space in whole GB; hdd_available in GB
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> storage = (List<Map<String, Object>>) pool.get("storage_resources");
        String localRef = simulator.pool().refByName("SR", "Local storage").orElseThrow();
        Map<String, Object> local = simulator.pool().record("SR", localRef);
        double freeGb = ((Number) local.get("physical_size")).longValue()
                - ((Number) local.get("physical_utilisation")).longValue();
        freeGb /= 1024.0 * 1024 * 1024;
        assertThat(storage).containsExactly(
                Map.of("uuid", local.get("uuid"), "name_label", "Local storage (Available " + (long) freeGb + " GB)"));
        assertThat(((Number) pool.get("hdd_available")).doubleValue()).isCloseTo(freeGb, offset(1e-6));

        // hosts: software_version and cpu_info copied, memory in MiB
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hosts = (List<Map<String, Object>>) pool.get("host_list");
        assertThat(hosts).hasSize(1);
        Map<String, Object> host = hosts.get(0);
        assertThat(Callers.keys(host)).isEqualTo(HOST_KEYS);
        String hostRef = simulator.pool().refs("host").get(0);
        Map<String, Object> hostRecord = simulator.pool().record("host", hostRef);
        Map<String, Object> metrics = simulator.pool().record("host_metrics", (String) hostRecord.get("metrics"));
        assertThat(host.get("name_label")).isEqualTo("emperordev");
        assertThat(host.get("resident_VMs")).asList().containsExactlyInAnyOrderElementsOf(
                (List<?>) hostRecord.get("resident_VMs"));
        assertThat(host.get("software_version")).isEqualTo(hostRecord.get("software_version"));
        assertThat(host.get("cpu_info")).isEqualTo(hostRecord.get("cpu_info"));
        assertThat(((Number) host.get("memory_total")).doubleValue())
                .isEqualTo(((Number) metrics.get("memory_total")).longValue() / (1024.0 * 1024));
        assertThat(((Number) host.get("memory_free")).doubleValue())
                .isEqualTo(((Number) metrics.get("memory_free")).longValue() / (1024.0 * 1024));
        assertThat(host.get("live")).isEqualTo(true);
        assertThat(((Number) host.get("memory_available")).doubleValue())
                .isLessThanOrEqualTo(((Number) host.get("memory_free")).doubleValue());

        // an ordinary user gets the same pool without the XenAPI URL
        Map<String, Object> seenByUser = Callers
                .objects(as(signer, user).get("/poollist").then().statusCode(200).extract().asString()).get(0);
        assertThat(Callers.keys(seenByUser)).isEqualTo(POOL_KEYS.stream().filter(key -> !"url".equals(key)).toList());
        assertThat(seenByUser.get("uuid")).isEqualTo(pool.get("uuid"));
    }

    @Test
    void templatesEnabledFollowsTheTagWithoutARestart() {
        String templateRef = simulator.pool().refByName("VM", "Ubuntu Jammy Jellyfish 22.04").orElseThrow();
        Map<String, Object> template = simulator.pool().record("VM", templateRef);
        String uuid = (String) template.get("uuid");
        assertThat(enabledTemplates()).noneMatch(entry -> uuid.equals(entry.get("uuid")));

        simulator.pool().set("VM", templateRef, "tags", List.of("vmemperor"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(enabledTemplates(), uuid) != null);
        Map<String, Object> entry = Callers.withUuid(enabledTemplates(), uuid);
        assertThat(Callers.keys(entry)).containsExactly("hvm", "name_label", "os_kind", "ref", "uuid");
        assertThat(entry).containsEntry("hvm", false).containsEntry("name_label", "Ubuntu Jammy Jellyfish 22.04")
                .containsEntry("os_kind", "ubuntu").containsEntry("ref", templateRef);

        simulator.pool().set("VM", templateRef, "tags", List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> Callers.withUuid(enabledTemplates(), uuid) == null);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> enabledTemplates() {
        Map<String, Object> pool = Callers
                .objects(as(signer, user).get("/poollist").then().statusCode(200).extract().asString()).get(0);
        return (List<Map<String, Object>>) pool.get("templates_enabled");
    }

    @Test
    void needsALogin() {
        given().get("/poollist").then().statusCode(401);
    }
}
