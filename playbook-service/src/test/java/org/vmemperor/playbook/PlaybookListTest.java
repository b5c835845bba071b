package org.vmemperor.playbook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.vmemperor.playbook.testing.Callers.as;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.playbook.testing.Callers;
import org.vmemperor.playbook.testing.InjectSshd;
import org.vmemperor.playbook.testing.Sshd;
import org.vmemperor.playbook.testing.SshdResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** GET /playbooks: the spec's shape, defaults from group_vars, admin-only inventories, malformed files, live changes. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(SshdResource.class)
class PlaybookListTest {

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @InjectSshd
    Sshd sshd;

    private Callers callers;

    @BeforeEach
    void setUp() {
        callers = new Callers(signer, rights);
    }

    @Test
    void usersSeeThePlaybooksInTheSpecShape() {
        JsonPath list = as(callers.token("lena")).get("/playbooks").then().statusCode(200).extract().jsonPath();
        assertThat(list.getList("id", String.class)).contains("user-ssh-key", "fail", "typed", "wait-for-file")
                .doesNotContain("admin-inventory", "broken");
        Map<String, Object> typed = list.getMap("find { it.id == 'typed' }");
        assertThat(typed).containsEntry("name", "Typed variables").containsEntry("single", true)
                .containsEntry("inventory", null).containsKeys("description", "requires", "variables");
        assertThat(list.getString("find { it.id == 'typed' }.requires.os_version[0].distro")).isEqualTo("debian");
        assertThat(list.getMap("find { it.id == 'typed' }.variables.count")).containsEntry("type", "int")
                .containsEntry("value", 7).containsEntry("description", "An integer").doesNotContainKey("options");
        assertThat(list.getString("find { it.id == 'typed' }.variables.from_group_vars.value")).isEqualTo("grouped");
        assertThat(list.getMap("find { it.id == 'typed' }.variables.mode.options")).containsKeys("fast", "true");
        assertThat(list.getMap("find { it.id == 'typed' }.variables.label")).containsEntry("value", null);
        assertThat(list.getString("find { it.id == 'user-ssh-key' }.variables.state.value")).isEqualTo("present");
    }

    @Test
    void playbooksWithTheirOwnInventoryAreForAdministrators() {
        as(callers.adminToken()).get("/playbooks").then().statusCode(200)
                .body("id", hasItem("admin-inventory"))
                .body("find { it.id == 'admin-inventory' }.inventory", org.hamcrest.Matchers.is("hosts"));
        as(callers.token("lena")).get("/playbooks").then().body("id", not(hasItem("admin-inventory")));
    }

    @Test
    void theListFollowsTheDirectory() throws Exception {
        String token = callers.token("lena");
        Path added = sshd.playbooks().resolve("added-later");
        Files.createDirectory(added);
        Files.writeString(added.resolve("site.yml"), "---\n- hosts: all\n  tasks: []\n");
        Files.writeString(added.resolve("vmemperor.conf"), "name: Added\ndescription: later\nplaybook: site.yml\n");
        as(token).get("/playbooks").then().body("id", hasItem("added-later"));
        // an edit shows at once; a broken edit removes it from the list (logged), a fixed one brings it back
        Files.writeString(added.resolve("vmemperor.conf"), "name: Renamed\ndescription: later\nplaybook: site.yml\n");
        as(token).get("/playbooks").then().body("find { it.id == 'added-later' }.name", org.hamcrest.Matchers.is("Renamed"));
        Files.writeString(added.resolve("vmemperor.conf"), "name: Renamed\nplaybook: missing.yml\n");
        as(token).get("/playbooks").then().statusCode(200).body("id", not(hasItem("added-later")));
        for (Path file : List.of(added.resolve("vmemperor.conf"), added.resolve("site.yml"), added)) {
            Files.delete(file);
        }
        as(token).get("/playbooks").then().body("id", not(hasItem("added-later")));
    }

    @Test
    void anonymousCallersAreRefused() {
        given().get("/playbooks").then().statusCode(401);
        given().contentType("application/json").body("{}").post("/executeplaybook").then().statusCode(401);
    }
}
