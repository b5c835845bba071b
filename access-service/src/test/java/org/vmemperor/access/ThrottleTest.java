package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.access.service.LoginThrottle;
import org.vmemperor.access.testing.LdapTestResource;
import org.vmemperor.access.testing.Sessions;
import org.vmemperor.access.testing.ThrottleTestConfig;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.Metrics;
import org.vmemperor.common.testing.PoolTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class ThrottleTest {

    @Inject
    TokenSigner signer;
    @Inject
    LoginThrottle throttle;

    @Test
    void repeatedFailuresForOneNameAreSlowedDownNotLockedOut() {
        Sessions.createUser(Sessions.adminToken(signer), "tom", "tom-password");
        double failedBefore = Metrics.sum("vmemperor_logins_failed_total", "action", "login");
        double throttledBefore = Metrics.sum("vmemperor_logins_throttled_total");
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(Map.of("username", "tom", "password", "guess-" + i))
                    .post("/login").then().statusCode(401);
        }
        // beyond the 3 free failures each attempt must wait, even with the right password
        given().contentType(ContentType.JSON).body(Map.of("username", "tom", "password", "tom-password"))
                .post("/login").then().statusCode(429).header("Retry-After", notNullValue())
                .body("status", is("error"));
        // both are counted on /q/metrics (other tests of this JVM may add to them too)
        assertThat(Metrics.sum("vmemperor_logins_failed_total", "action", "login")).isGreaterThanOrEqualTo(failedBefore + 3);
        assertThat(Metrics.sum("vmemperor_logins_throttled_total")).isGreaterThanOrEqualTo(throttledBefore + 1);

        // after the delay the real user gets in, and the counter starts afresh
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> given()
                .contentType(ContentType.JSON).body(Map.of("username", "tom", "password", "tom-password"))
                .post("/login").statusCode() == 200);
        given().contentType(ContentType.JSON).body(Map.of("username", "tom", "password", "wrong"))
                .post("/login").then().statusCode(401);
    }

    @Test
    void oneAddressGuessingManyNamesIsSlowedDown() {
        String address = "198.51.100.7";
        for (int i = 0; i < 1000; i++) {
            throttle.recordFailure("name-" + i, address);
        }
        assertThatThrownBy(() -> throttle.check("someone-new", address))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(429));
        assertThatCode(() -> throttle.check("someone-new", "198.51.100.8")).doesNotThrowAnyException();
    }
}
