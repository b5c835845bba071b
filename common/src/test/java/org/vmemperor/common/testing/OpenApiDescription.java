package org.vmemperor.common.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.restassured.path.json.JsonPath;

/**
 * The check every service's OpenApiTest makes: /q/openapi describes every live HTTP route the route table gives the
 * service, each with the API contract's error answers (400, 503 with Retry-After) and a success answer.
 */
public final class OpenApiDescription {

    private OpenApiDescription() {
    }

    /**
     * Asserts against the running test application (RestAssured's default base URI and port); {@code notApi} names
     * routes that serve files rather than the API (noVNC's scripts), which OpenAPI does not describe.
     */
    public static void assertDescribesEveryRouteOf(String service, String... notApi) {
        JsonPath openApi = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Map<String, Object>> paths = openApi.getMap("paths");
        List<RouteTable.Route> routes = RouteTable.liveHttpRoutes(service).stream()
                .filter(route -> !List.of(notApi).contains(route.path())).toList();
        assertThat(routes).as("live HTTP routes of %s in the route table", service).isNotEmpty();
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
