package org.vmemperor.access.rest;

import java.util.List;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
    @Operation(summary = "Get the access rights of an object", description = "Who can use the object: every user or group that holds a right on it, with the actions granted. Only VMs, networks and VDIs are subject to access control.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "type", "uuid" }, properties = {
                    @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = { "VM", "Network",
                            "VDI" }, description = "the object's type: VM, Network or VDI"),
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "unique ID of the object of type `type`") })))
    @APIResponse(responseCode = "200", description = "the object's access list", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessResponse.class), example = "{\"access\": [{\"access\": [\"all\"], \"userid\": \"users/570e9a59-e3bd-42c5-87ee-d46b312dbfcb\"}]}"))
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
    @Operation(summary = "Grant or revoke an action on an object", description = "Grants (or, with revoke, revokes) one action on a VM, network or VDI to exactly one user or group. Changing rights needs the 'all' right on the object (administrators may always).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "type", "uuid", "action" }, properties = {
                    @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = { "VM", "Network",
                            "VDI" }, description = "the object's type: VM, Network or VDI"),
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "unique ID of the object of type `type`"),
                    @SchemaProperty(name = "action", type = SchemaType.STRING, enumeration = { "launch", "attach", "destroy",
                            "all" }, description = "the action to grant or revoke: launch, attach, destroy or all"),
                    @SchemaProperty(name = "revoke", type = SchemaType.BOOLEAN, defaultValue = "false", description = "true to revoke the action instead of granting it"),
                    @SchemaProperty(name = "user", type = SchemaType.STRING, description = "user id (from /userlist, or users/<id>) to grant or revoke the action for; give this or group, not both"),
                    @SchemaProperty(name = "group", type = SchemaType.STRING, description = "group id (from /grouplist, or groups/<id>) to grant or revoke the action for; give this or user, not both") })))
    @APIResponse(responseCode = "200", description = "granted or revoked; empty body")
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
