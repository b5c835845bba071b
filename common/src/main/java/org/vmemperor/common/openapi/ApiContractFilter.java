package org.vmemperor.common.openapi;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Adds DESIGN.md's API contract, which holds for every route, to each operation of {@code /q/openapi}: arguments as a
 * JSON object body (POST), and the errors every route can answer with the one error body ({@code ApiError}): 400 for a
 * missing or ill-typed argument, malformed JSON or an unknown UUID (XenAPI's error in {@code details}), 401 without a
 * session (not on the public routes), 403 without the right, 503 with {@code Retry-After} while the pool (or the
 * database) cannot be reached or the service is busy. Written once here instead of on every resource method.
 * <p>
 * It runs when the application is built, so the document is complete in the build output: a filter named by
 * {@code mp.openapi.filter} runs at start-up instead, which loaded about 400 classes of the OpenAPI model and
 * SnakeYAML into every service's start (issue 16's readiness regression).
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ApiContractFilter implements OASFilter {

    static final String ERROR_SCHEMA = "ApiError";

    /** Routes answered without a session (they take credentials or a one-time token instead). */
    static final Set<String> PUBLIC_PATHS = Set.of("/login", "/adminauth", "/autoinstall/{token}");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema(ERROR_SCHEMA, errorSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            boolean publicRoute = PUBLIC_PATHS.contains(path.getKey());
            for (Map.Entry<PathItem.HttpMethod, Operation> operation : path.getValue().getOperations().entrySet()) {
                describe(operation.getKey(), operation.getValue(), publicRoute);
            }
        }
    }

    private static void describe(PathItem.HttpMethod method, Operation operation, boolean publicRoute) {
        if (method == PathItem.HttpMethod.POST && operation.getRequestBody() != null
                && operation.getRequestBody().getDescription() == null) {
            operation.getRequestBody().setDescription(
                    "the route's arguments as one JSON object (spec/vmemperor-api.txt)");
        }
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        add(responses, "400", "bad request: a missing or ill-typed argument, malformed JSON, or an unknown UUID"
                + " (XenAPI's error in details)", false);
        if (!publicRoute) {
            add(responses, "401", "not logged in (no valid session cookie or Bearer token)", false);
            add(responses, "403", "access denied: the user lacks the right, or is not an administrator", false);
        }
        add(responses, "503", "the pool or the database cannot be reached, or the service is busy; retry after"
                + " Retry-After seconds", true);
    }

    private static void add(APIResponses responses, String code, String description, boolean retryAfter) {
        // a route's own answer for the code wins; a bare one without a body is Quarkus' generated default (its 400
        // "Bad Request" on every route with a request body), which the contract's answer replaces
        APIResponse own = responses.getAPIResponse(code);
        if (own != null && own.getContent() != null && !own.getContent().getMediaTypes().isEmpty()) {
            return;
        }
        APIResponse response = OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema()
                                .ref("#/components/schemas/" + ERROR_SCHEMA))));
        if (retryAfter) {
            Header header = OASFactory.createHeader().description("seconds to wait before retrying")
                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER));
            response.addHeader("Retry-After", header);
        }
        responses.addAPIResponse(code, response);
    }

    private static Schema errorSchema() {
        Schema text = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("the one error body of every route")
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("bad request, error, access denied, unavailable, ..."))
                .addProperty("message", text)
                .addProperty("details", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .items(text).description("XenAPI's error description, when it refused"))
                .addRequired("status");
    }
}
