package org.vmemperor.inventory.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
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
    @Operation(summary = "List pools, their hosts and capabilities", description = "Every pool with its networks, storage repositories (with free space), free storage in GB, hosts (memory in MB, CPU info, software version, liveness), XenAPI URL, description, uuid, and the templates enabled for installation (as /tmpllist). Takes no arguments.")
    @APIResponse(responseCode = "200", description = "the pools", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = PoolEntry.class)))
    public List<PoolEntry> poollist() {
        return inventory.pools(currentUser.principal());
    }

    @GET
    @Path("/netlist")
    @Operation(summary = "List the networks available to the user", description = "Every network the caller may use, with its physical interfaces, connected VMs (uuids), access rights, names, other_config and uuid. Optionally paged.")
    @Parameter(name = "page", in = ParameterIn.QUERY, description = "1-based page number; without it (or 0 or less) the whole list", schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
    @Parameter(name = "page_size", in = ParameterIn.QUERY, description = "entries per page when paged", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", defaultValue = "10"))
    @APIResponse(responseCode = "200", description = "the networks (the requested page of them when paged)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = NetworkEntry.class)))
    public List<NetworkEntry> netlist(@Context UriInfo uri) {
        return inventory.networks(currentUser.principal(), Page.of(Args.ofQuery(uri.getQueryParameters())));
    }

    @POST
    @Path("/netinfo")
    @Operation(summary = "Get one network", description = "The same entry as /netlist gives for the network with this uuid.")
    @RequestBody(required = false, description = "the route's arguments as one JSON object; without a body, the query parameters are read instead (as the original did)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "network UUID (from /netlist)") })))
    @APIResponseSchema(value = NetworkEntry.class, responseCode = "200", responseDescription = "the network's entry, as in /netlist")
    public NetworkEntry netinfo(JsonNode body, @Context UriInfo uri) {
        return inventory.network(currentUser.principal(), args(body, uri).string("uuid"));
    }

    @GET
    @Path("/isolist")
    @Operation(summary = "List the ISO images", description = "Every ISO image available for virtual CD-ROM drives: its storage repository, VMs that have it connected, location, names, uuid and size in bytes. ISOs carry no access rights: every logged-in user sees them all. Optionally paged.")
    @Parameter(name = "page", in = ParameterIn.QUERY, description = "1-based page number; without it (or 0 or less) the whole list", schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
    @Parameter(name = "page_size", in = ParameterIn.QUERY, description = "entries per page when paged", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", defaultValue = "10"))
    @APIResponse(responseCode = "200", description = "the ISO images (the requested page of them when paged)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = IsoEntry.class)))
    public List<IsoEntry> isolist(@Context UriInfo uri) {
        // ISOs carry no rights: any logged-in caller (AuthenticationFilter) sees them all
        return inventory.isos(Page.of(Args.ofQuery(uri.getQueryParameters())));
    }

    @POST
    @Path("/isoinfo")
    @Operation(summary = "Get one ISO image", description = "The same entry as /isolist gives for the ISO image with this uuid.")
    @RequestBody(required = false, description = "the route's arguments as one JSON object; without a body, the query parameters are read instead (as the original did)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "ISO UUID (from /isolist)") })))
    @APIResponseSchema(value = IsoEntry.class, responseCode = "200", responseDescription = "the ISO image's entry, as in /isolist")
    public IsoEntry isoinfo(JsonNode body, @Context UriInfo uri) {
        return inventory.iso(args(body, uri).string("uuid"));
    }

    @GET
    @Path("/vdilist")
    @Operation(summary = "List the virtual disks available to the user", description = "Every VDI (virtual hard disk) the caller may use: as /isolist's entries, with access rights. Optionally paged.")
    @Parameter(name = "page", in = ParameterIn.QUERY, description = "1-based page number; without it (or 0 or less) the whole list", schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
    @Parameter(name = "page_size", in = ParameterIn.QUERY, description = "entries per page when paged", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", defaultValue = "10"))
    @APIResponse(responseCode = "200", description = "the virtual disks (the requested page of them when paged)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = VdiEntry.class)))
    public List<VdiEntry> vdilist(@Context UriInfo uri) {
        return inventory.disks(currentUser.principal(), Page.of(Args.ofQuery(uri.getQueryParameters())));
    }

    @POST
    @Path("/vdiinfo")
    @Operation(summary = "Get one virtual disk", description = "The same entry as /vdilist gives for the VDI with this uuid.")
    @RequestBody(required = false, description = "the route's arguments as one JSON object; without a body, the query parameters are read instead (as the original did)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "VDI UUID (from /vdilist)") })))
    @APIResponseSchema(value = VdiEntry.class, responseCode = "200", responseDescription = "the virtual disk's entry, as in /vdilist")
    public VdiEntry vdiinfo(JsonNode body, @Context UriInfo uri) {
        return inventory.disk(currentUser.principal(), args(body, uri).string("uuid"));
    }

    @POST
    @Path("/destroyvdi")
    @Operation(summary = "Destroy a virtual disk", description = "Starts destroying the VDI (needs the destroy right on it) and answers the asynchronous task's id; follow it with /taskstatus.")
    @RequestBody(required = false, description = "the route's arguments as one JSON object; without a body, the query parameters are read instead (as the original did)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "VDI UUID (from /vdilist)") })))
    @APIResponse(responseCode = "200", description = "the asynchronous task's id", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TaskResponse.class), example = "{\"task\": \"<unique task ID>\"}"))
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
