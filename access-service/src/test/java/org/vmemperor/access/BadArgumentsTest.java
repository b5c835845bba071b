package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

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

/** Strings PostgreSQL cannot store reach no route: the argument parser answers 400 for all of them. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class BadArgumentsTest {

    /** {"a\u0000b"} as JSON text: the escape must reach the server, not a NUL in the test's own string. */
    private static final String NUL = "\"a\\u0000b\"";

    @Inject
    TokenSigner signer;

    String admin;

    @BeforeEach
    void adminToken() {
        admin = Sessions.adminToken(signer);
    }

    @Test
    void nulInAnyArgumentIs400WithOrWithoutASession() {
        for (String path : new String[] { "/login", "/adminauth" }) {
            given().contentType(ContentType.JSON).body("{\"username\": " + NUL + ", \"password\": \"x\"}")
                    .post(path).then().statusCode(400)
                    .body("status", is("bad request"))
                    .body("message", is("argument 'username' must not contain control characters"));
            given().contentType(ContentType.JSON).body("{\"username\": \"root\", \"password\": " + NUL + "}")
                    .post(path).then().statusCode(400).body("message", containsString("'password'"));
        }
        String[][] adminRoutes = {
                { "/createuser", "{\"username\": " + NUL + ", \"password\": \"long-enough-password\"}" },
                { "/creategroup", "{\"name\": " + NUL + "}" },
                { "/deleteuser", "{\"id\": " + NUL + "}" },
                { "/deletegroup", "{\"id\": " + NUL + "}" },
                { "/groupmember", "{\"group\": " + NUL + ", \"user\": \"u\", \"action\": \"add\"}" },
                { "/setaccess", "{\"type\": \"VM\", \"uuid\": " + NUL + ", \"action\": \"launch\", \"user\": \"u\"}" },
                { "/getaccess", "{\"type\": \"VM\", \"uuid\": " + NUL + "}" },
        };
        for (String[] route : adminRoutes) {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(route[1]).post(route[0]).then()
                    .statusCode(400).body("status", is("bad request"))
                    .body("message", containsString("must not contain control characters"));
        }
    }

    /** The throttle keys a failed login by user name; a name longer than its column answered 500. */
    @Test
    void overlongArgumentsAre400NotAnOverflowedColumn() {
        String name = "n".repeat(296);
        for (String path : new String[] { "/login", "/adminauth" }) {
            given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "x"))
                    .post(path).then().statusCode(400)
                    .body("status", is("bad request"))
                    .body("message", is("argument 'username' must be at most 255 characters"));
        }
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "long-enough-password"))
                .post("/createuser").then().statusCode(400).body("message", containsString("at most"));
        // the longest accepted name still gets the ordinary answer
        given().contentType(ContentType.JSON).body(Map.of("username", "n".repeat(255), "password", "x"))
                .post("/login").then().statusCode(401);
    }
}
