package org.vmemperor.common.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.restassured.path.json.JsonPath;

/**
 * The check every service's OpenApiTest makes: /q/openapi describes every live HTTP route the route table gives the
 * service as spec/vmemperor-api.txt does, each operation with
 * <ul>
 * <li>a summary and a description (Quarkus derives a summary from the method's name by itself, so only the
 * description proves the route's {@code @Operation} was written);</li>
 * <li>for POST, a JSON request body whose schema is an object listing each argument with a type and a description,
 * and whose required arguments are among them. A POST route without arguments must say so explicitly with
 * {@code maxProperties = 0} (an empty object), so that forgetting the arguments cannot pass for having none;</li>
 * <li>for every other method, a description on each parameter (the query string's arguments);</li>
 * <li>a success answer whose description was written (not Quarkus' default "OK"), and the API contract's error
 * answers with the one error body (400, 503 with Retry-After).</li>
 * </ul>
 */
public final class OpenApiDescription {

    private static final String ERROR_SCHEMA = "#/components/schemas/ApiError";

    private static final List<String> HTTP_METHODS = List.of("get", "put", "post", "delete", "options", "head",
            "patch", "trace");

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
        Map<String, Object> schemas = openApi.getMap("components.schemas");
        List<RouteTable.Route> routes = RouteTable.liveHttpRoutes(service).stream()
                .filter(route -> !List.of(notApi).contains(route.path())).toList();
        assertThat(routes).as("live HTTP routes of %s in the route table", service).isNotEmpty();
        for (RouteTable.Route route : routes) {
            List<String> described = paths.keySet().stream()
                    .filter(path -> route.prefix() ? path.startsWith(route.path()) : path.equals(route.path()))
                    .toList();
            assertThat(described).as("route %s in /q/openapi", route.path()).isNotEmpty();
            for (String path : described) {
                for (Map.Entry<String, Object> operation : paths.get(path).entrySet()) {
                    if (!HTTP_METHODS.contains(operation.getKey())) {
                        continue; // the path item's own fields (parameters shared by its operations)
                    }
                    assertOperation(operation.getKey().toUpperCase() + " " + path, map(operation.getValue()), schemas);
                }
            }
        }
        // and nothing else: a path no route of this service covers is not the API (a benchmark route, a leftover)
        List<RouteTable.Route> own = RouteTable.routes().stream().filter(r -> r.service().equals(service)).toList();
        for (String path : paths.keySet()) {
            assertThat(own).as("%s in /q/openapi is a route of %s in the route table", path, service)
                    .anyMatch(route -> route.prefix() ? path.startsWith(route.path()) : path.equals(route.path()));
        }
        assertThat(openApi.getMap("components.schemas.ApiError.properties")).containsKeys("status", "message");
    }

    private static void assertOperation(String name, Map<String, Object> operation, Map<String, Object> schemas) {
        assertThat(text(operation.get("summary"))).as("summary of %s", name).isNotBlank();
        assertThat(text(operation.get("description"))).as("description of %s (its @Operation)", name).isNotBlank();
        if (name.startsWith("POST ")) {
            assertArguments(name, map(operation.get("requestBody")), schemas);
        }
        for (Object parameter : list(operation.get("parameters"))) {
            assertThat(text(map(parameter).get("description"))).as("description of parameter %s of %s",
                    map(parameter).get("name"), name).isNotBlank();
        }
        Map<String, Object> responses = map(operation.get("responses"));
        assertThat(responses).as("answers of %s", name).containsKeys("400", "503");
        for (String code : List.of("400", "503")) {
            assertThat(String.valueOf(map(responses.get(code)).get("content"))).as("%s answer of %s", code, name)
                    .contains(ERROR_SCHEMA);
        }
        List<String> successes = responses.keySet().stream().filter(code -> code.startsWith("2")).toList();
        assertThat(successes).as("success answer of %s", name).isNotEmpty();
        for (String code : successes) {
            assertThat(text(map(responses.get(code)).get("description"))).as("%s answer of %s", code, name)
                    .isNotBlank().isNotEqualTo("OK");
        }
    }

    private static void assertArguments(String name, Map<String, Object> requestBody, Map<String, Object> schemas) {
        assertThat(requestBody).as("request body of %s", name).isNotEmpty();
        Map<String, Object> schema = map(map(map(requestBody.get("content")).get("application/json")).get("schema"));
        Object ref = schema.get("$ref");
        if (ref != null) {
            schema = map(schemas.get(ref.toString().substring(ref.toString().lastIndexOf('/') + 1)));
        }
        assertThat(String.valueOf(schema.get("type"))).as("request body schema of %s", name).contains("object");
        Map<String, Object> properties = map(schema.get("properties"));
        if (properties.isEmpty()) {
            assertThat(schema.get("maxProperties")).as("arguments of %s: none described, nor declared as none"
                    + " (maxProperties = 0)", name).isEqualTo(0);
        }
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            Map<String, Object> argument = map(property.getValue());
            assertThat(text(argument.get("description"))).as("description of argument %s of %s", property.getKey(),
                    name).isNotBlank();
            assertThat(argument.containsKey("type") || argument.containsKey("$ref"))
                    .as("type of argument %s of %s", property.getKey(), name).isTrue();
        }
        assertThat(properties.keySet()).as("arguments of %s named as required", name)
                .containsAll(list(schema.get("required")).stream().map(String::valueOf).toList());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List ? (List<?>) value : List.of();
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
