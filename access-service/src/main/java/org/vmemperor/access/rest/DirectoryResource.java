package org.vmemperor.access.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
    public List<DirectoryEntry> userlist() {
        return directory.users();
    }

    @GET
    @Path("/grouplist")
    public List<DirectoryEntry> grouplist() {
        return directory.groups();
    }

    @POST
    @Path("/createuser")
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
    @AdminOnly
    public Response deleteuser(JsonNode body, @Context HttpServerRequest request) {
        String id = Args.of(body).string("id");
        directory.deleteUser(id);
        audited("deleteuser", id, request);
        return Response.ok().build();
    }

    @POST
    @Path("/creategroup")
    @AdminOnly
    public Created creategroup(JsonNode body, @Context HttpServerRequest request) {
        String name = Args.of(body).string("name");
        String id = directory.createGroup(name);
        audited("creategroup", "groups/" + id + " (" + name + ")", request);
        return new Created(id);
    }

    @POST
    @Path("/deletegroup")
    @AdminOnly
    public Response deletegroup(JsonNode body, @Context HttpServerRequest request) {
        String id = Args.of(body).string("id");
        directory.deleteGroup(id);
        audited("deletegroup", id, request);
        return Response.ok().build();
    }

    @POST
    @Path("/groupmember")
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
