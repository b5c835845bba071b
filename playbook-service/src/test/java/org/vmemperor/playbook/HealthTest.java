package org.vmemperor.playbook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.DatabaseTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(DatabaseTestResource.class)
class HealthTest {

    @Test
    void answersLiveness() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }
}
