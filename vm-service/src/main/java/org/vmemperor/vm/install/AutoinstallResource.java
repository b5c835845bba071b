package org.vmemperor.vm.install;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

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
    public Response answerFile(@PathParam("token") String token) {
        String file = tokens.consume(token).orElseThrow(ApiException::notFoundEmpty);
        // the file holds a password hash: no proxy or client may keep it
        return Response.ok(file).header("Cache-Control", "no-store").build();
    }
}
