package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.testing.RouteTable;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * /q/openapi describes every live HTTP route the route table gives this service, each with the API contract's error
 * answers (400, 503 with Retry-After; 401 and 403 unless the route is public).
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class OpenApiTest {

    @Test
    void everyRouteOfTheRouteTableIsDescribed() {
        JsonPath openApi = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Map<String, Object>> paths = openApi.getMap("paths");
        List<RouteTable.Route> routes = RouteTable.liveHttpRoutes("access");
        assertThat(routes).isNotEmpty();
        for (RouteTable.Route route : routes) {
            List<String> described = paths.keySet().stream()
                    .filter(path -> route.prefix() ? path.startsWith(route.path()) : path.equals(route.path()))
                    .toList();
            assertThat(described).as("route %s in /q/openapi", route.path()).isNotEmpty();
            for (String path : described) {
                for (Object operation : paths.get(path).values()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> responses = (Map<String, Object>) ((Map<String, Object>) operation)
                            .get("responses");
                    assertThat(responses).as("answers of %s", path).containsKeys("400", "503");
                    assertThat(responses.keySet()).as("answers of %s", path).anyMatch(code -> code.startsWith("2"));
                }
            }
        }
        assertThat(openApi.getMap("components.schemas.ApiError.properties")).containsKeys("status", "message");
    }
}
