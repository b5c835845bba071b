package org.vmemperor.vm.rest;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.vm.service.DeviceService;
import org.vmemperor.vm.service.DeviceService.Direction;

import com.fasterxml.jackson.databind.JsonNode;

/** /netaction /attachdetachvdi /attachdetachiso: synchronous, answering {@code {"status": "ok"}}. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final DeviceService devices;
    private final CurrentUser currentUser;

    public DeviceResource(DeviceService devices, CurrentUser currentUser) {
        this.devices = devices;
        this.currentUser = currentUser;
    }

    @POST
    @Path("/netaction")
    @Operation(summary = "Attach a VM to a network or detach it", description = "attach creates a virtual interface on the network and plugs it; detach unplugs and removes the VM's interface on it. Answers once the pool has done it.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid", "net", "action" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)"),
                    @SchemaProperty(name = "net", type = SchemaType.STRING, description = "network UUID (/netlist)"),
                    @SchemaProperty(name = "action", type = SchemaType.STRING, enumeration = { "attach",
                            "detach" }, description = "attach or detach") })))
    @APIResponse(responseCode = "200", description = "done", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StatusOk.class), example = "{\"status\": \"ok\"}"))
    public StatusOk netaction(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        String net = args.string("net");
        devices.netAction(currentUser.principal(), uuid, net, Direction.parse(args.string("action")));
        return StatusOk.OK;
    }

    @POST
    @Path("/attachdetachvdi")
    @Operation(summary = "Attach a virtual disk to a VM or detach it", description = "Attaches the VDI (virtual hard disk) to the VM or detaches it; ISOs can be detached this way too. Answers once the pool has done it.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid", "vdi", "action" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)"),
                    @SchemaProperty(name = "vdi", type = SchemaType.STRING, description = "VDI UUID (/vdilist)"),
                    @SchemaProperty(name = "action", type = SchemaType.STRING, enumeration = { "attach",
                            "detach" }, description = "attach or detach") })))
    @APIResponse(responseCode = "200", description = "done", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StatusOk.class), example = "{\"status\": \"ok\"}"))
    public StatusOk attachdetachvdi(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        String vdi = args.string("vdi");
        devices.attachDetachVdi(currentUser.principal(), uuid, vdi, Direction.parse(args.string("action")));
        return StatusOk.OK;
    }

    @POST
    @Path("/attachdetachiso")
    @Operation(summary = "Insert an ISO image into a VM's CD drive or eject it", description = "The request is identical to /attachdetachvdi (the ISO's uuid may be given as vdi); the ISOs are listed by /isolist. Answers once the pool has done it.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid", "action" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)"),
                    @SchemaProperty(name = "iso", type = SchemaType.STRING, description = "ISO UUID (/isolist); required unless given as vdi"),
                    @SchemaProperty(name = "vdi", type = SchemaType.STRING, description = "the ISO's UUID under /attachdetachvdi's name, used when iso is absent"),
                    @SchemaProperty(name = "action", type = SchemaType.STRING, enumeration = { "attach",
                            "detach" }, description = "attach or detach") })))
    @APIResponse(responseCode = "200", description = "done", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StatusOk.class), example = "{\"status\": \"ok\"}"))
    public StatusOk attachdetachiso(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        // the spec says the request is identical to /attachdetachvdi: "vdi" is accepted for "iso"
        String iso = args.has("iso") ? args.string("iso") : args.string("vdi");
        devices.attachDetachIso(currentUser.principal(), uuid, iso, Direction.parse(args.string("action")));
        return StatusOk.OK;
    }
}
