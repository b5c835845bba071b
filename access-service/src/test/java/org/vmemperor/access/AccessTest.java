package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.access.testing.LdapTestResource;
import org.vmemperor.access.testing.Sessions;
import org.vmemperor.access.testing.ThrottleTestConfig;
import org.vmemperor.common.access.AccessList;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** /getaccess and /setaccess against the simulated pool, including the spec's john/mike/eva scenario. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class AccessTest {

    @Inject
    TokenSigner signer;
    @InjectSimulator
    XapiSimulator simulator;

    String admin;

    @BeforeEach
    void adminToken() {
        admin = Sessions.adminToken(signer);
    }

    private String vmUuid() {
        return simulator.pool().records("VM").values().stream()
                .filter(vm -> !Boolean.TRUE.equals(vm.get("is_a_template"))
                        && !Boolean.TRUE.equals(vm.get("is_control_domain")))
                .map(vm -> (String) vm.get("uuid")).findFirst().orElseThrow();
    }

    private String newNetworkUuid(String name) {
        String ref = simulator.pool().addNetwork(name);
        return (String) simulator.pool().record("network", ref).get("uuid");
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static Map<String, Object> set(String type, String uuid, String action, String key, String id) {
        Map<String, Object> body = new HashMap<>();
        body.put("type", type);
        body.put("uuid", uuid);
        body.put("action", action);
        body.put(key, id);
        return body;
    }

    @Test
    void johnSharesHisVmWithHisGroup() {
        String john = Sessions.createUser(admin, "john", "john-password");
        String mike = Sessions.createUser(admin, "mike", "mike-password");
        Sessions.createUser(admin, "eva", "eva-password");
        String friends = Sessions.createGroup(admin, "John friends");
        Sessions.addMember(admin, friends, john);
        Sessions.addMember(admin, friends, mike);
        String vm = vmUuid();

        // the administrator makes john the owner
        as(admin).body(set("VM", vm, "all", "user", john)).post("/setaccess").then().statusCode(200);
        String johnToken = Sessions.login("john", "john-password");
        String mikeToken = Sessions.login("mike", "mike-password");
        String evaToken = Sessions.login("eva", "eva-password");

        // eva holds nothing: she can neither read nor change
        as(evaToken).body(Map.of("type", "VM", "uuid", vm)).post("/getaccess").then().statusCode(403)
                .body("status", is("access denied"));
        as(evaToken).body(set("VM", vm, "launch", "user", john)).post("/setaccess").then().statusCode(403);
        as(mikeToken).body(Map.of("type", "VM", "uuid", vm)).post("/getaccess").then().statusCode(403);

        // john grants launch to his group
        as(johnToken).body(set("VM", vm, "launch", "group", friends)).post("/setaccess").then().statusCode(200);
        as(mikeToken).body(Map.of("type", "VM", "uuid", vm)).post("/getaccess").then().statusCode(200)
                .body("access.userid", hasItem("users/" + john))
                .body("access.find { it.userid == 'groups/" + friends + "' }.access", contains("launch"))
                .body("access.find { it.userid == 'users/" + john + "' }.access", contains("all"));
        as(evaToken).body(Map.of("type", "VM", "uuid", vm)).post("/getaccess").then().statusCode(403);

        // mike can launch but not share: setaccess needs 'all'
        as(mikeToken).body(set("VM", vm, "launch", "user", mike)).post("/setaccess").then().statusCode(403);

        // the rights live on the VM itself
        Map<String, Object> record = simulator.pool().record("VM", vm);
        @SuppressWarnings("unchecked")
        Map<String, String> otherConfig = (Map<String, String>) record.get("other_config");
        assertThat(AccessList.fromOtherConfig(otherConfig).actionsOf("groups/" + friends)).hasSize(1);

        // revoking the group's launch removes its entry; mike sees nothing again
        Map<String, Object> revoke = set("VM", vm, "launch", "group", friends);
        revoke.put("revoke", true);
        as(johnToken).body(revoke).post("/setaccess").then().statusCode(200);
        as(mikeToken).body(Map.of("type", "VM", "uuid", vm)).post("/getaccess").then().statusCode(403);

        // the administrator revokes john's explicit 'all'
        Map<String, Object> revokeAll = set("VM", vm, "all", "user", "users/" + john);
        revokeAll.put("revoke", true);
        as(admin).body(revokeAll).post("/setaccess").then().statusCode(200);
        as(johnToken).body(Map.of("type", "VM", "uuid", vm)).post("/getaccess").then().statusCode(403);
        as(admin).body(Map.of("type", "VM", "uuid", vm)).post("/getaccess").then().statusCode(200);
    }

    @Test
    void badRequestsAre400() {
        String user = Sessions.createUser(admin, "ursula", "ursula-password");
        String vm = vmUuid();
        as(admin).body(set("VM", vm, "all", "user", "no-such-user")).post("/setaccess").then().statusCode(400)
                .body("message", is("no such user"));
        as(admin).body(set("VM", vm, "all", "group", "no-such-group")).post("/setaccess").then().statusCode(400);
        Map<String, Object> both = set("VM", vm, "all", "user", user);
        both.put("group", "x");
        as(admin).body(both).post("/setaccess").then().statusCode(400);
        Map<String, Object> neither = set("VM", vm, "all", "user", user);
        neither.remove("user");
        as(admin).body(neither).post("/setaccess").then().statusCode(400);
        as(admin).body(set("SR", vm, "all", "user", user)).post("/setaccess").then().statusCode(400);
        as(admin).body(set("VM", vm, "fly", "user", user)).post("/setaccess").then().statusCode(400);
        as(admin).body(set("VM", "00000000-0000-0000-0000-000000000000", "all", "user", user)).post("/setaccess")
                .then().statusCode(400).body("details[0]", is("UUID_INVALID"));
        as(admin).body(Map.of("type", "VDI", "uuid", "00000000-0000-0000-0000-000000000000")).post("/getaccess")
                .then().statusCode(400).body("details", notNullValue());
        as(admin).body("{\"type\": ").post("/getaccess").then().statusCode(400);
    }

    @Test
    void concurrentGrantsLoseNothing() throws Exception {
        String network = newNetworkUuid("access-concurrency");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            users.add(Sessions.createUser(admin, "crowd" + i, "crowd-password"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String user : users) {
                answers.add(pool.submit(() -> as(admin).body(set("Network", network, "attach", "user", user))
                        .post("/setaccess").statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        List<String> ids = as(admin).body(Map.of("type", "Network", "uuid", network)).post("/getaccess").then()
                .statusCode(200).extract().path("access.userid");
        assertThat(ids).containsExactlyInAnyOrderElementsOf(users.stream().map(id -> "users/" + id).toList());
    }
}
