package org.vmemperor.vm.install;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.PublicRoute;

/**
 * {@code GET /autoinstall/<token>}: the answer file for a VM's installer, which has no session. The random one-time
 * token is the only credential: the first fetch gets the file, every later, expired or unknown one a 404 with an empty
 * body.
 */
@Path("/")
@PublicRoute
public class AutoinstallResource {

    private final AutoinstallTokens tokens;

    public AutoinstallResource(AutoinstallTokens tokens) {
        this.tokens = tokens;
    }

    @GET
    @Path("/autoinstall/{token}")
    @Produces("text/plain; charset=UTF-8")
    @Operation(summary = "The answer file of an automatic install", description = "Fetched by the VM's installer, which has no session: the one-time token in the path is the credential. The first fetch gets the preseed or kickstart file; every later, expired or unknown one answers 404 with an empty body.")
    @APIResponse(responseCode = "200", description = "the answer file (preseed or kickstart)", content = @Content(mediaType = "text/plain", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "unknown, expired or already used token: empty body")
    public Response answerFile(
            @Parameter(description = "the one-time token the install was given in its PV_args") @PathParam("token") String token) {
        String file = tokens.consume(token).orElseThrow(ApiException::notFoundEmpty);
        // the file holds a password hash: no proxy or client may keep it
        return Response.ok(file).header("Cache-Control", "no-store").build();
    }
}
