package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.access.testing.LdapTestResource;
import org.vmemperor.access.testing.Sessions;
import org.vmemperor.access.testing.ThrottleTestConfig;
import org.vmemperor.common.security.KeyMaterial;
import org.vmemperor.common.security.RevocationList;
import org.vmemperor.common.security.SecurityConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.TokenVerifier;
import org.vmemperor.common.security.VerifiedToken;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Deleting a user, removing a user from a group and deleting a group end the sessions that carry the old state, here
 * and on every other replica: "another replica" is a verifier of its own with a fresh cache over the shared tables,
 * which accepted the token (and cached that) before the change.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class SessionEndTest {

    private static final String PASSWORD = "a long enough password";

    @Inject
    TokenSigner signer;
    @Inject
    SecurityConfig config;
    @Inject
    KeyMaterial keys;
    @Inject
    DataSource dataSource;
    @InjectSimulator
    XapiSimulator simulator;

    String admin;
    TokenVerifier otherReplica;

    @BeforeEach
    void setUp() {
        admin = Sessions.adminToken(signer);
        otherReplica = new TokenVerifier(config, keys, new RevocationList(dataSource, config));
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private Duration withinSeconds() {
        return config.revocationCacheTtl().plusSeconds(5);
    }

    private String network(String name) {
        String ref = simulator.pool().addNetwork(name);
        return (String) simulator.pool().record("network", ref).get("uuid");
    }

    @Test
    void aDeletedUsersSessionsEndEverywhere() {
        String id = Sessions.createUser(admin, "leaver", PASSWORD);
        String token = Sessions.login("leaver", PASSWORD);
        String second = Sessions.login("leaver", PASSWORD);
        as(token).get("/userinfo").then().statusCode(200).body("id", is(id));
        VerifiedToken seenElsewhere = otherReplica.verify(token).orElseThrow();
        assertThat(otherReplica.isStillValid(seenElsewhere)).isTrue();

        as(admin).body(Map.of("id", id)).post("/deleteuser").then().statusCode(200);

        await().atMost(withinSeconds()).untilAsserted(() -> as(token).get("/userinfo").then().statusCode(401)
                .body("message", is("not authorized")));
        as(second).get("/userinfo").then().statusCode(401);
        // the other replica cached "valid" before the deletion: it must see it within its cache TTL
        await().atMost(withinSeconds()).until(() -> !otherReplica.isStillValid(seenElsewhere));
        assertThat(otherReplica.verify(token)).isEmpty();
        given().contentType(ContentType.JSON).body(Map.of("username", "leaver", "password", PASSWORD))
                .post("/login").then().statusCode(401);
    }

    @Test
    void aMemberRemovedFromAGroupLosesTheGroupsRightsOnItsSession() {
        String staying = Sessions.createUser(admin, "stays", PASSWORD);
        String leaving = Sessions.createUser(admin, "moves-on", PASSWORD);
        String group = Sessions.createGroup(admin, "team");
        Sessions.addMember(admin, group, staying);
        Sessions.addMember(admin, group, leaving);
        String net = network("team-net");
        as(admin).body(Map.of("type", "Network", "uuid", net, "action", "launch", "group", group))
                .post("/setaccess").then().statusCode(200);
        Map<String, String> getaccess = Map.of("type", "Network", "uuid", net);
        String stayingToken = Sessions.login("stays", PASSWORD);
        String leavingToken = Sessions.login("moves-on", PASSWORD);
        as(leavingToken).body(getaccess).post("/getaccess").then().statusCode(200);
        VerifiedToken seenElsewhere = otherReplica.verify(leavingToken).orElseThrow();

        as(admin).body(Map.of("group", group, "user", leaving, "action", "remove")).post("/groupmember").then()
                .statusCode(200);

        // the right held through the group is gone from the existing session: the session itself ends (its token
        // names the group), here and on the other replica
        await().atMost(withinSeconds()).untilAsserted(
                () -> as(leavingToken).body(getaccess).post("/getaccess").then().statusCode(401));
        await().atMost(withinSeconds()).until(() -> !otherReplica.isStillValid(seenElsewhere));
        // logging in again gives a session with the current groups only
        String again = Sessions.login("moves-on", PASSWORD);
        as(again).get("/userinfo").then().statusCode(200).body("groups.size()", is(0));
        as(again).body(getaccess).post("/getaccess").then().statusCode(403);
        // the member who stays keeps its session and the right
        as(stayingToken).body(getaccess).post("/getaccess").then().statusCode(200);
        // removing someone who is not a member ends nothing
        as(admin).body(Map.of("group", group, "user", leaving, "action", "remove")).post("/groupmember").then()
                .statusCode(200);
        as(again).get("/userinfo").then().statusCode(200);
    }

    @Test
    void deletingAGroupEndsItsMembersSessions() {
        String member = Sessions.createUser(admin, "member-of-gone", PASSWORD);
        String outsider = Sessions.createUser(admin, "outsider", PASSWORD);
        String group = Sessions.createGroup(admin, "short-lived");
        Sessions.addMember(admin, group, member);
        String net = network("short-lived-net");
        as(admin).body(Map.of("type", "Network", "uuid", net, "action", "launch", "group", group))
                .post("/setaccess").then().statusCode(200);
        String memberToken = Sessions.login("member-of-gone", PASSWORD);
        String outsiderToken = Sessions.login("outsider", PASSWORD);
        as(memberToken).body(Map.of("type", "Network", "uuid", net)).post("/getaccess").then().statusCode(200);

        as(admin).body(Map.of("id", group)).post("/deletegroup").then().statusCode(200);

        await().atMost(withinSeconds()).untilAsserted(() -> as(memberToken).get("/userinfo").then().statusCode(401));
        as(outsiderToken).get("/userinfo").then().statusCode(200);
        assertThat(member).isNotEqualTo(outsider);
    }
}
