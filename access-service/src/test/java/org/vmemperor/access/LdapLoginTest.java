package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.access.service.PasswordRealms;
import org.vmemperor.access.testing.LdapTestResource;
import org.vmemperor.access.testing.Sessions;
import org.vmemperor.access.testing.ThrottleTestConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.PoolTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class LdapLoginTest {

    private static final String ALICE_DN = "uid=alice,ou=users,dc=example,dc=org";
    private static final String BOB_DN = "uid=bob,ou=users,dc=example,dc=org";
    private static final String CAROL_DN = "uid=carol,ou=users,dc=example,dc=org";

    @Inject
    TokenSigner signer;

    @Inject
    PasswordRealms realms;

    /** Successful binds seen by the LDAP server (filled by {@link LdapTestResource}). */
    List<String> ldapBinds;

    /** Refused binds seen by the LDAP server (filled by {@link LdapTestResource}). */
    List<String> ldapRefusedBinds;

    @Test
    void theDirectoryChecksThePasswordByABindAsTheUsersEntry() {
        ldapBinds.clear();
        Sessions.login("alice", LdapTestResource.ALICE_PASSWORD);
        // searches bind as the configured account: only the password check binds as the user
        assertThat(ldapBinds).contains(ALICE_DN);

        ldapBinds.clear();
        ldapRefusedBinds.clear();
        given().contentType(ContentType.JSON).body(Map.of("username", "bob", "password", "not-bobs-password"))
                .post("/login").then().statusCode(401).body("message", is("wrong credentials"));
        // the directory was asked, as bob, and said no
        assertThat(ldapRefusedBinds).contains(BOB_DN);
        assertThat(ldapBinds).doesNotContain(BOB_DN);
    }

    @Test
    void anEmptyPasswordIsRefusedBeforeTheDirectoryCouldTakeItForAnAnonymousBind() {
        // called directly: /login refuses an empty password as a bad argument before any realm is asked
        ldapBinds.clear();
        assertThat(realms.authenticate("bob", "")).isEmpty();
        assertThat(ldapBinds).doesNotContain(BOB_DN, "");
    }

    @Test
    void ldapUserLogsInWithItsGroups() {
        String token = Sessions.login("alice", LdapTestResource.ALICE_PASSWORD);
        given().auth().oauth2(token).get("/userinfo").then().statusCode(200)
                .body("id", is("ldap:alice"))
                .body("name", is("Alice Liddell"))
                .body("groups", contains("ldap:ops"))
                .body("is_admin", is(false));
        given().contentType(ContentType.JSON).body(Map.of("username", "alice", "password", "wrong-password"))
                .post("/login").then().statusCode(401).body("message", is("wrong credentials"));
    }

    @Test
    void listsShowBothRealms() {
        String admin = Sessions.adminToken(signer);
        String local = Sessions.createUser(admin, "lisa", "lisa-password");
        given().auth().oauth2(admin).get("/userlist").then().statusCode(200)
                .body("id", hasItem("ldap:alice")).body("id", hasItem("ldap:bob")).body("id", hasItem(local))
                .body("find { it.id == 'ldap:bob' }.name", is("Bob Builder"));
        given().auth().oauth2(admin).get("/grouplist").then().statusCode(200)
                .body("id", hasItem("ldap:ops")).body("find { it.id == 'ldap:ops' }.username", is("ops"));
    }

    @Test
    void aLocalAccountShadowsTheLdapOneOfTheSameName() {
        String admin = Sessions.adminToken(signer);
        String carol = Sessions.createUser(admin, "carol", "carol-local-pw");
        ldapBinds.clear();
        given().contentType(ContentType.JSON)
                .body(Map.of("username", "carol", "password", LdapTestResource.CAROL_LDAP_PASSWORD))
                .post("/login").then().statusCode(401);
        // the local account decided: LDAP was not even asked to check carol's password
        assertThat(ldapBinds).doesNotContain(CAROL_DN);
        given().auth().oauth2(Sessions.login("carol", "carol-local-pw")).get("/userinfo").then()
                .body("id", is(carol));
        // bob has no local account: LDAP decides
        given().auth().oauth2(Sessions.login("bob", LdapTestResource.BOB_PASSWORD)).get("/userinfo").then()
                .body("id", is("ldap:bob"));
    }
}
