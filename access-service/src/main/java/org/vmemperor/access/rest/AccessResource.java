package org.vmemperor.access.rest;

import java.util.List;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.vmemperor.access.service.AccessService;
import org.vmemperor.common.access.AccessEntry;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.common.security.UserPrincipal;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.http.HttpServerRequest;

/** /getaccess and /setaccess. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class AccessResource {

    public record AccessResponse(List<AccessEntry> access) {
    }

    private final AccessService access;
    private final CurrentUser currentUser;

    public AccessResource(AccessService access, CurrentUser currentUser) {
        this.access = access;
        this.currentUser = currentUser;
    }

    @POST
    @Path("/getaccess")
    public AccessResponse getaccess(JsonNode body) {
        Args args = Args.of(body);
        ObjectType type = ObjectType.parse(args.string("type"));
        return new AccessResponse(access.getAccess(currentUser.principal(), type, args.string("uuid")));
    }

    /**
     * {@code user} and {@code group} take the ids of /userlist and /grouplist; the prefixed forms of /getaccess
     * ({@code users/<id>}, {@code groups/<id>}) are accepted too.
     */
    @POST
    @Path("/setaccess")
    public Response setaccess(JsonNode body, @Context HttpServerRequest request) {
        Args args = Args.of(body);
        ObjectType type = ObjectType.parse(args.string("type"));
        String uuid = args.string("uuid");
        Action action = Action.parse(args.string("action"));
        boolean revoke = args.optionalBool("revoke").orElse(false);
        boolean hasUser = args.has("user");
        if (hasUser == args.has("group")) {
            throw ApiException.badRequest("give exactly one of 'user' and 'group'");
        }
        String principalId = hasUser ? prefixed(args.string("user"), UserPrincipal.USER_PREFIX)
                : prefixed(args.string("group"), UserPrincipal.GROUP_PREFIX);
        access.setAccess(currentUser.principal(), type, uuid, principalId, action, revoke,
                ClientAddress.of(request));
        return Response.ok().build();
    }

    private static String prefixed(String id, String prefix) {
        return id.startsWith(prefix) ? id : prefix + id;
    }
}
