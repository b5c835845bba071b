package org.vmemperor.inventory.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.common.view.IsoEntry;
import org.vmemperor.common.view.NetworkEntry;
import org.vmemperor.common.view.PoolEntry;
import org.vmemperor.common.view.VdiEntry;
import org.vmemperor.inventory.service.InventoryService;
import org.vmemperor.inventory.service.Page;

import com.fasterxml.jackson.databind.JsonNode;

/** /poollist /netlist /netinfo /isolist /isoinfo /vdilist /vdiinfo /destroyvdi. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class InventoryResource {

    /** The answer of an asynchronous operation. */
    public record TaskResponse(String task) {
    }

    private final InventoryService inventory;
    private final CurrentUser currentUser;

    public InventoryResource(InventoryService inventory, CurrentUser currentUser) {
        this.inventory = inventory;
        this.currentUser = currentUser;
    }

    @GET
    @Path("/poollist")
    public List<PoolEntry> poollist() {
        return inventory.pools(currentUser.principal());
    }

    @GET
    @Path("/netlist")
    public List<NetworkEntry> netlist(@Context UriInfo uri) {
        return inventory.networks(currentUser.principal(), Page.of(Args.ofQuery(uri.getQueryParameters())));
    }

    @POST
    @Path("/netinfo")
    public NetworkEntry netinfo(JsonNode body, @Context UriInfo uri) {
        return inventory.network(currentUser.principal(), args(body, uri).string("uuid"));
    }

    @GET
    @Path("/isolist")
    public List<IsoEntry> isolist(@Context UriInfo uri) {
        // ISOs carry no rights: any logged-in caller (AuthenticationFilter) sees them all
        return inventory.isos(Page.of(Args.ofQuery(uri.getQueryParameters())));
    }

    @POST
    @Path("/isoinfo")
    public IsoEntry isoinfo(JsonNode body, @Context UriInfo uri) {
        return inventory.iso(args(body, uri).string("uuid"));
    }

    @GET
    @Path("/vdilist")
    public List<VdiEntry> vdilist(@Context UriInfo uri) {
        return inventory.disks(currentUser.principal(), Page.of(Args.ofQuery(uri.getQueryParameters())));
    }

    @POST
    @Path("/vdiinfo")
    public VdiEntry vdiinfo(JsonNode body, @Context UriInfo uri) {
        return inventory.disk(currentUser.principal(), args(body, uri).string("uuid"));
    }

    @POST
    @Path("/destroyvdi")
    public TaskResponse destroyvdi(JsonNode body, @Context UriInfo uri) {
        return new TaskResponse(inventory.destroyDisk(currentUser.principal(), args(body, uri).string("uuid")));
    }

    /** The JSON body; without one, the query parameters (the original read arguments from either). */
    private static Args args(JsonNode body, UriInfo uri) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return Args.ofQuery(uri.getQueryParameters());
        }
        return Args.of(body);
    }
}
