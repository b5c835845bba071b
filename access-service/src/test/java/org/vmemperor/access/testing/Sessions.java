package org.vmemperor.access.testing;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;

import io.restassured.http.ContentType;

/** Test helpers: tokens signed directly (to act as an administrator without a pool) and local users via the API. */
public final class Sessions {

    public static final UserPrincipal ADMIN = new UserPrincipal("users/xen:root", "root", "root", List.of(), true);

    private Sessions() {
    }

    public static String adminToken(TokenSigner signer) {
        return signer.sign(ADMIN).token();
    }

    /** Creates a local user as administrator and answers its id. */
    public static String createUser(String adminToken, String username, String password) {
        return given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password, "name", username + " Example"))
                .post("/createuser").then().statusCode(200).extract().path("id");
    }

    public static String createGroup(String adminToken, String name) {
        return given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/creategroup").then().statusCode(200).extract().path("id");
    }

    public static void addMember(String adminToken, String group, String user) {
        given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("group", group, "user", user, "action", "add"))
                .post("/groupmember").then().statusCode(200);
    }

    /** Logs in through /login asking for the token in the body. */
    public static String login(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password, "token", true))
                .post("/login").then().statusCode(200).extract().path("token");
    }
}
