package org.vmemperor.inventory;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.testing.RevokedTokens;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.inventory.testing.Callers;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A logout happens in access-service; this service must reject the token within seconds. The revocation is written
 * straight into the shared table, as another process's /logout would, so nothing in this JVM knows of it beforehand.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class LogoutSeenHereTest {

    @Inject
    TokenSigner signer;

    @Inject
    DataSource dataSource;

    @Inject
    XenObjectCache cache;

    @Test
    void tokenRevokedElsewhereIsRejectedWithinSeconds() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(cache::isReady);
        TokenSigner.SignedToken token = signer.sign(Callers.user("leaving"));
        given().auth().oauth2(token.token()).get("/isolist").then().statusCode(200);

        RevokedTokens.insert(dataSource, token.tokenId(), token.expiresAt());

        // well above the revocation cache TTL (2s): on a loaded machine one request took more than 10 s
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(
                () -> given().auth().oauth2(token.token()).get("/isolist").then().statusCode(401)
                        .body("message", is("not authorized")));
    }
}
