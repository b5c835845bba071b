package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.access.testing.LdapTestResource;
import org.vmemperor.access.testing.Sessions;
import org.vmemperor.access.testing.ThrottleTestConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.PoolTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class LoginTest {

    @Inject
    TokenSigner signer;

    String admin;

    @BeforeEach
    void adminToken() {
        admin = Sessions.adminToken(signer);
    }

    @Test
    void localUserLogsInWithCookieAndOptionalBodyToken() {
        String id = Sessions.createUser(admin, "lena", "lena-password");

        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("username", "lena", "password", "lena-password"))
                .post("/login");
        response.then().statusCode(200)
                .body("status", is("success"))
                .body("login", is("lena"))
                .body("token", nullValue())
                .header("Set-Cookie", containsString("vmemperor_session="))
                .header("Set-Cookie", containsString("HttpOnly"))
                .header("Set-Cookie", containsString("SameSite=Strict"));
        String cookie = response.getCookie("vmemperor_session");

        given().cookie("vmemperor_session", cookie).get("/userinfo").then().statusCode(200)
                .body("id", is(id))
                .body("username", is("lena"))
                .body("name", is("lena Example"))
                .body("is_admin", is(false));

        String token = Sessions.login("lena", "lena-password");
        given().auth().oauth2(token).get("/userinfo").then().statusCode(200).body("id", is(id));
    }

    @Test
    void wrongCredentialsAreOneAnswer() {
        Sessions.createUser(admin, "wanda", "wanda-password");
        for (String[] credentials : new String[][] { { "wanda", "not-her-password" }, { "nobody-here", "x" } }) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("username", credentials[0], "password", credentials[1]))
                    .post("/login").then().statusCode(401)
                    .body("status", is("error")).body("message", is("wrong credentials"));
        }
        given().contentType(ContentType.JSON).body(Map.of("username", "wanda")).post("/login").then()
                .statusCode(400);
    }

    @Test
    void everyOtherRouteNeedsAToken() {
        for (String path : new String[] { "/userinfo", "/userlist", "/grouplist" }) {
            given().get(path).then().statusCode(401)
                    .body("status", is("error")).body("message", is("not authorized"));
        }
        given().contentType(ContentType.JSON).body("{}").post("/getaccess").then().statusCode(401);
        given().contentType(ContentType.JSON).body("{}").post("/setaccess").then().statusCode(401);
    }

    @Test
    void administratorsManageUsersAndGroups() {
        String paul = Sessions.createUser(admin, "paul", "paul-password");
        String group = Sessions.createGroup(admin, "paul-friends");
        Sessions.addMember(admin, group, paul);

        String token = Sessions.login("paul", "paul-password");
        given().auth().oauth2(token).get("/userinfo").then().statusCode(200)
                .body("groups", hasItem(group));
        given().auth().oauth2(token).get("/userlist").then().statusCode(200)
                .body("id", hasItem(paul)).body("username", hasItem("paul"));
        given().auth().oauth2(token).get("/grouplist").then().statusCode(200)
                .body("id", hasItem(group)).body("name", hasItem("paul-friends"));

        // not an administrator: 403
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("username", "mallory", "password", "mallory-password"))
                .post("/createuser").then().statusCode(403).body("message", is("administrator required"));

        // duplicates: 409; short passwords: 400
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("username", "paul", "password", "another-password"))
                .post("/createuser").then().statusCode(409).body("status", is("conflict"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "paul-friends"))
                .post("/creategroup").then().statusCode(409);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("username", "shorty", "password", "short"))
                .post("/createuser").then().statusCode(400);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("group", group, "user", paul, "action", "join"))
                .post("/groupmember").then().statusCode(400);

        // removal from the group shows at the next login; deleting the user ends logins
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("group", group, "user", paul, "action", "remove"))
                .post("/groupmember").then().statusCode(200);
        given().auth().oauth2(Sessions.login("paul", "paul-password")).get("/userinfo").then()
                .body("groups.size()", is(0));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("id", paul))
                .post("/deleteuser").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("username", "paul", "password", "paul-password"))
                .post("/login").then().statusCode(401);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("id", paul))
                .post("/deleteuser").then().statusCode(404);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("id", group))
                .post("/deletegroup").then().statusCode(200);
    }

    @Test
    void adminauthChecksThePool() {
        given().contentType(ContentType.JSON)
                .body(Map.of("username", "root", "password", PoolTestResource.ROOT_PASSWORD, "token", true))
                .post("/adminauth").then().statusCode(200)
                .body("status", is("success")).body("login", is("root")).body("token", notNullValue());
        String token = given().contentType(ContentType.JSON)
                .body(Map.of("username", "root", "password", PoolTestResource.ROOT_PASSWORD, "token", true))
                .post("/adminauth").then().extract().path("token");
        given().auth().oauth2(token).get("/userinfo").then().statusCode(200)
                .body("id", is("xen:root")).body("is_admin", is(true)).body("username", is("root"));

        given().contentType(ContentType.JSON).body(Map.of("username", "root", "password", "wrong"))
                .post("/adminauth").then().statusCode(401).body("message", is("wrong credentials"));
    }
}
