package org.vmemperor.access.rest;

import java.util.List;

import jakarta.ws.rs.GET;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.vmemperor.access.service.AuditLog;
import org.vmemperor.access.service.DirectoryEntry;
import org.vmemperor.access.service.DirectoryService;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.AdminOnly;
import org.vmemperor.common.security.CurrentUser;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.http.HttpServerRequest;

/** /userlist, /grouplist, and the administration of local users and groups. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {

    public record Created(String id) {
    }

    private final DirectoryService directory;
    private final CurrentUser currentUser;
    private final AuditLog audit;

    public DirectoryResource(DirectoryService directory, CurrentUser currentUser, AuditLog audit) {
        this.directory = directory;
        this.currentUser = currentUser;
        this.audit = audit;
    }

    @GET
    @Path("/userlist")
    @Operation(summary = "List all users", description = "Every user of the system (local users, and LDAP users when configured). Takes no arguments.")
    @APIResponse(responseCode = "200", description = "the users", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = DirectoryEntry.class), example = "[{\"id\": \"570e9a59-e3bd-42c5-87ee-d46b312dbfcb\", \"name\": \"Example User\", \"username\": \"user\"}]"))
    public List<DirectoryEntry> userlist() {
        return directory.users();
    }

    @GET
    @Path("/grouplist")
    @Operation(summary = "List all groups", description = "Every group of the system (local groups, and LDAP groups when configured). Takes no arguments.")
    @APIResponse(responseCode = "200", description = "the groups", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = DirectoryEntry.class), example = "[{\"id\": \"5b8527e5-cff7-403e-bb74-485f3d71c9dd\", \"name\": \"users\", \"username\": \"users\"}]"))
    public List<DirectoryEntry> grouplist() {
        return directory.groups();
    }

    @POST
    @Path("/createuser")
    @Operation(summary = "Create a local user (administrators only)", description = "Creates a user of the local realm, who can then log in with /login.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "username", "password" }, properties = {
                    @SchemaProperty(name = "username", type = SchemaType.STRING, maxLength = 255, description = "the new user's login name (unique)"),
                    @SchemaProperty(name = "password", type = SchemaType.STRING, format = "password", maxLength = 255, description = "the new user's password (at least the configured minimum length)"),
                    @SchemaProperty(name = "name", type = SchemaType.STRING, maxLength = 255, description = "display name; the username when not given") })))
    @APIResponseSchema(value = Created.class, responseCode = "200", responseDescription = "the new user's id")
    @APIResponse(responseCode = "409", description = "a user with this username exists", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError")))
    @AdminOnly
    public Created createuser(JsonNode body, @Context HttpServerRequest request) {
        Args args = Args.of(body);
        String username = args.string("username");
        String id = directory.createUser(username, args.string("password"),
                args.optionalString("name").orElse(username));
        audited("createuser", "users/" + id + " (" + username + ")", request);
        return new Created(id);
    }

    @POST
    @Path("/deleteuser")
    @Operation(summary = "Delete a local user (administrators only)", description = "Deletes a user of the local realm; LDAP users are not managed here.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "id" }, properties = {
                    @SchemaProperty(name = "id", type = SchemaType.STRING, description = "the user's id as /userlist shows it") })))
    @APIResponse(responseCode = "200", description = "deleted; empty body")
    @APIResponse(responseCode = "404", description = "no such user", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError")))
    @AdminOnly
    public Response deleteuser(JsonNode body, @Context HttpServerRequest request) {
        String id = Args.of(body).string("id");
        directory.deleteUser(id);
        audited("deleteuser", id, request);
        return Response.ok().build();
    }

    @POST
    @Path("/creategroup")
    @Operation(summary = "Create a local group (administrators only)", description = "Creates a group of the local realm.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "name" }, properties = {
                    @SchemaProperty(name = "name", type = SchemaType.STRING, maxLength = 255, description = "the new group's name (unique)") })))
    @APIResponseSchema(value = Created.class, responseCode = "200", responseDescription = "the new group's id")
    @APIResponse(responseCode = "409", description = "a group with this name exists", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError")))
    @AdminOnly
    public Created creategroup(JsonNode body, @Context HttpServerRequest request) {
        String name = Args.of(body).string("name");
        String id = directory.createGroup(name);
        audited("creategroup", "groups/" + id + " (" + name + ")", request);
        return new Created(id);
    }

    @POST
    @Path("/deletegroup")
    @Operation(summary = "Delete a local group (administrators only)", description = "Deletes a group of the local realm; LDAP groups are not managed here.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "id" }, properties = {
                    @SchemaProperty(name = "id", type = SchemaType.STRING, description = "the group's id as /grouplist shows it") })))
    @APIResponse(responseCode = "200", description = "deleted; empty body")
    @APIResponse(responseCode = "404", description = "no such group", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError")))
    @AdminOnly
    public Response deletegroup(JsonNode body, @Context HttpServerRequest request) {
        String id = Args.of(body).string("id");
        directory.deleteGroup(id);
        audited("deletegroup", id, request);
        return Response.ok().build();
    }

    @POST
    @Path("/groupmember")
    @Operation(summary = "Add a local user to a local group or remove them (administrators only)", description = "Changes the membership of a local user in a local group.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "group", "user", "action" }, properties = {
                    @SchemaProperty(name = "group", type = SchemaType.STRING, description = "the group's id as /grouplist shows it"),
                    @SchemaProperty(name = "user", type = SchemaType.STRING, description = "the user's id as /userlist shows it"),
                    @SchemaProperty(name = "action", type = SchemaType.STRING, enumeration = { "add",
                            "remove" }, description = "add or remove") })))
    @APIResponse(responseCode = "200", description = "membership changed; empty body")
    @APIResponse(responseCode = "404", description = "no such user or group", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError")))
    @AdminOnly
    public Response groupmember(JsonNode body, @Context HttpServerRequest request) {
        Args args = Args.of(body);
        String group = args.string("group");
        String user = args.string("user");
        String action = args.string("action");
        if (!action.equals("add") && !action.equals("remove")) {
            throw ApiException.badRequest("action is either add or remove");
        }
        directory.setMembership(group, user, action.equals("add"));
        audited("groupmember", group, action + " " + user, request);
        return Response.ok().build();
    }

    private void audited(String action, String target, HttpServerRequest request) {
        audited(action, target, null, request);
    }

    private void audited(String action, String target, String detail, HttpServerRequest request) {
        audit.record(currentUser.principal().id(), action, target, detail, ClientAddress.of(request), true);
    }
}
