package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.access.testing.LdapTestResource;
import org.vmemperor.access.testing.Sessions;
import org.vmemperor.access.testing.ThrottleTestConfig;
import org.vmemperor.common.security.KeyMaterial;
import org.vmemperor.common.security.RevocationList;
import org.vmemperor.common.security.SecurityConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.TokenVerifier;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.testing.PoolTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class TokenTest {

    private static final UserPrincipal USER = new UserPrincipal("users/t-1", "T", "t", List.of("groups/g"), false);

    @Inject
    TokenSigner signer;
    @Inject
    SecurityConfig config;
    @Inject
    KeyMaterial keys;
    @Inject
    DataSource dataSource;

    @Test
    void expiredTokensAreRejected() {
        String expired = signer.sign(USER, Instant.now().minus(Duration.ofMinutes(5))).token();
        given().auth().oauth2(expired).get("/userinfo").then().statusCode(401).body("message", is("not authorized"));
        given().auth().oauth2(signer.sign(USER).token()).get("/userinfo").then().statusCode(200);
    }

    @Test
    void modifiedTokensAreRejected() {
        String[] parts = signer.sign(USER).token().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = payload.replace("\"admin\":false", "\"admin\":true");
        assertThat(forged).isNotEqualTo(payload);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8));
        given().auth().oauth2(parts[0] + "." + encoded + "." + parts[2]).get("/userinfo").then().statusCode(401);
    }

    /**
     * The verified-token cache is keyed by the signature's tail: tokens sharing it with a cached valid token (another
     * payload under the real signature, or another signature with the same tail) must still be verified in full.
     */
    @Test
    void forgedTokensAreRejectedAfterTheRealOneIsCached() {
        String real = signer.sign(USER).token();
        given().auth().oauth2(real).get("/userinfo").then().statusCode(200).body("is_admin", is(false));
        String[] parts = real.split("\\.");

        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String admin = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace("\"admin\":false", "\"admin\":true").getBytes(StandardCharsets.UTF_8));
        given().auth().oauth2(parts[0] + "." + admin + "." + parts[2]).get("/userinfo").then().statusCode(401);
        given().cookie(config.cookieName(), parts[0] + "." + admin + "." + parts[2]).get("/userinfo").then()
                .statusCode(401);

        // a signature differing only in its first character (its tail, the cache's key, unchanged)
        char first = parts[2].charAt(0);
        String otherSignature = (first == 'A' ? 'B' : 'A') + parts[2].substring(1);
        given().auth().oauth2(parts[0] + "." + parts[1] + "." + otherSignature).get("/userinfo").then()
                .statusCode(401);
        // only the signature's tail, or the token cut short at its start
        given().auth().oauth2(parts[2]).get("/userinfo").then().statusCode(401);
        given().auth().oauth2(real.substring(1)).get("/userinfo").then().statusCode(401);

        given().auth().oauth2(real).get("/userinfo").then().statusCode(200).body("is_admin", is(false));
    }

    @Test
    void unsignedTokensAreRejected() {
        String[] parts = signer.sign(Sessions.ADMIN).token().split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        given().auth().oauth2(none + "." + parts[1] + ".").get("/userinfo").then().statusCode(401);
        given().cookie(config.cookieName(), none + "." + parts[1] + ".").get("/userinfo").then().statusCode(401);
        given().auth().oauth2("garbage").get("/userinfo").then().statusCode(401);
    }

    @Test
    void logoutRevokesForEveryVerifier() {
        String token = signer.sign(USER).token();
        given().auth().oauth2(token).get("/userinfo").then().statusCode(200);
        // a verifier of "another service": its own, fresh, revocation cache over the shared table
        TokenVerifier otherService = new TokenVerifier(config, keys, new RevocationList(dataSource, config));
        assertThat(otherService.verify(token)).isPresent();

        given().auth().oauth2(token).get("/logout").then().statusCode(200).body("status", is("ok"))
                .header("Set-Cookie", containsString("Max-Age=0"));

        given().auth().oauth2(token).get("/userinfo").then().statusCode(401);
        // the other verifier cached "not revoked" a moment ago; it must see the logout within its cache TTL
        await().atMost(config.revocationCacheTtl().plusSeconds(3))
                .until(() -> otherService.verify(token).isEmpty());
        assertThat(new TokenVerifier(config, keys, new RevocationList(dataSource, config)).verify(token)).isEmpty();
    }

    @Test
    void logoutWithoutASessionStillClearsTheCookie() {
        given().get("/logout").then().statusCode(200).body("status", is("ok"));
    }
}
