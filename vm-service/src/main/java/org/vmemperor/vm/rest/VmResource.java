package org.vmemperor.vm.rest;

import java.util.SortedMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.http.DirectBody;
import org.vmemperor.common.http.Gzip;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.vm.service.VmService;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.common.annotation.NonBlocking;

/** VM information and power: /vminfo /vmdiskinfo /vmnetinfo /startstopvm /rebootvm /destroyvm and GET /vmlist. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class VmResource {

    private static final MediaType JSON_UTF8 = MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8");

    private final VmService vms;
    private final CurrentUser currentUser;

    public VmResource(VmService vms, CurrentUser currentUser) {
        this.vms = vms;
        this.currentUser = currentUser;
    }

    /** Answered on the event loop: everything comes from the cache, and the record is serialised in advance. */
    @POST
    @Path("/vminfo")
    @Operation(summary = "Get one VM", description = "The same record as /vmlist gives for the VM: power state, disks, networks, OS version, guest tools, access rights, etc. Needs the launch right on the VM.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)") })))
    @APIResponse(responseCode = "200", description = "the VM's record, as in /vmlist", content = @Content(mediaType = MediaType.APPLICATION_JSON, example = "{\"name_label\": \"Test VM2\", \"power_state\": \"Running\", \"uuid\": \"754ef052-1825-f54b-82db-d77ad71f7a7c\", \"disks\": {}, \"networks\": {}, \"access\": [{\"access\": [\"all\"], \"userid\": \"users/570e9a59-e3bd-42c5-87ee-d46b312dbfcb\"}]}"))
    @NonBlocking
    public byte[] vminfo(JsonNode body) {
        return vms.infoJson(currentUser.principal(), Args.of(body).string("uuid"));
    }

    @POST
    @Path("/vmdiskinfo")
    @Operation(summary = "Get the disks connected to a VM", description = "Every connected ISO and virtual hard disk, keyed by virtual block device ref: the /vdilist or /isolist entry merged with the VM's disks entry of /vminfo (type CD or Disk).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)") })))
    @APIResponse(responseCode = "200", description = "the VM's disks by VBD ref", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, additionalProperties = Schema.True.class)))
    public SortedMap<String, SortedMap<String, Object>> vmdiskinfo(JsonNode body) {
        return vms.diskInfo(currentUser.principal(), Args.of(body).string("uuid"));
    }

    @POST
    @Path("/vmnetinfo")
    @Operation(summary = "Get the networks connected to a VM", description = "The networks field of /vminfo, keyed by device number, each merged with the network's /netinfo record.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)") })))
    @APIResponse(responseCode = "200", description = "the VM's network interfaces by device", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, additionalProperties = Schema.True.class)))
    public SortedMap<String, SortedMap<String, Object>> vmnetinfo(JsonNode body) {
        return vms.netInfo(currentUser.principal(), Args.of(body).string("uuid"));
    }

    /**
     * The records of the /vmlist stream's initial messages, as one array, for REST clients. Gzip when asked: 10,000
     * VMs are about 12 MB of JSON. Compressed here rather than by Vert.x (which skips an answer that already has a
     * Content-Encoding) so that the whole list is compressed once per version of the cache, not once per request. The
     * body is written from the list's direct memory ({@link org.vmemperor.common.http.DirectBody}). On a worker
     * thread: serialising the records changed since the last request, and compressing, must not hold up an event loop.
     */
    @GET
    @Path("/vmlist")
    @Operation(summary = "List the VMs available to the user", description = "The records of the /vmlist WebSocket stream's initial messages, as one array (the format of /vminfo). Gzip-compressed when the client accepts it. Takes no arguments.")
    @APIResponse(responseCode = "200", description = "the VMs' records", content = @Content(mediaType = MediaType.APPLICATION_JSON, example = "[{\"name_label\": \"Test VM2\", \"power_state\": \"Running\", \"uuid\": \"754ef052-1825-f54b-82db-d77ad71f7a7c\"}]"))
    public Response vmlist(
            @Parameter(description = "gzip (or *) with a weight above 0 to have the answer gzip-compressed") @HeaderParam(HttpHeaders.ACCEPT_ENCODING) String acceptEncoding) {
        if (Gzip.accepted(acceptEncoding)) {
            return Response.ok(vms.listGzip(currentUser.principal())).header(HttpHeaders.CONTENT_ENCODING, "gzip")
                    .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING).build();
        }
        // identity: Vert.x's compression (on for JSON answers) would otherwise pick gzip by its own reading of the header
        return Response.ok(vms.listJson(currentUser.principal())).header(HttpHeaders.CONTENT_ENCODING, "identity")
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING).build();
    }

    /**
     * The headers GET /vmlist would send, Content-Length included. Without this method Quarkus REST answered HEAD
     * through the GET method without writing its body: no Content-Length, a Content-Type without its charset, and the
     * {@code Content-Encoding: identity} that only Vert.x's compression of a GET body removes. Netty's compression
     * leaves HEAD answers as they are, so none is needed here to keep it off.
     */
    @HEAD
    @Path("/vmlist")
    @Operation(summary = "The headers of GET /vmlist", description = "What GET /vmlist would answer, without the body: its Content-Length (of the gzip form when the client accepts gzip), Content-Type and Content-Encoding.")
    @APIResponse(responseCode = "200", description = "the headers of the VMs' records")
    public Response vmlistHead(
            @Parameter(description = "gzip (or *) with a weight above 0 for the headers of the gzip-compressed answer") @HeaderParam(HttpHeaders.ACCEPT_ENCODING) String acceptEncoding) {
        boolean gzip = Gzip.accepted(acceptEncoding);
        DirectBody body = gzip ? vms.listGzip(currentUser.principal()) : vms.listJson(currentUser.principal());
        Response.ResponseBuilder headers = Response.ok().type(JSON_UTF8).header(HttpHeaders.CONTENT_LENGTH, body.length())
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        return (gzip ? headers.header(HttpHeaders.CONTENT_ENCODING, "gzip") : headers).build();
    }

    @POST
    @Path("/startstopvm")
    @Operation(summary = "Start or stop a VM", description = "Starts the VM (enable true) or shuts it down (enable false); answers an asynchronous task id, see /taskstatus.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid", "enable" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)"),
                    @SchemaProperty(name = "enable", type = SchemaType.BOOLEAN, description = "true to start the VM, false to stop it; the string \"False\" in any case stops too, and any other value starts") })))
    @APIResponse(responseCode = "200", description = "the asynchronous task's id", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TaskId.class), example = "{\"task\": \"<unique task ID>\"}"))
    public TaskId startstopvm(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        return new TaskId(vms.startStop(currentUser.principal(), uuid, enable(args)));
    }

    @POST
    @Path("/rebootvm")
    @Operation(summary = "Reboot a VM", description = "Reboots the VM; answers an asynchronous task id, see /taskstatus.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)") })))
    @APIResponse(responseCode = "200", description = "the asynchronous task's id", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TaskId.class), example = "{\"task\": \"<unique task ID>\"}"))
    public TaskId rebootvm(JsonNode body) {
        return new TaskId(vms.reboot(currentUser.principal(), Args.of(body).string("uuid")));
    }

    @POST
    @Path("/destroyvm")
    @Operation(summary = "Destroy a VM", description = "Destroys the VM (needs the destroy right); answers an asynchronous task id, see /taskstatus.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)"),
                    @SchemaProperty(name = "destroy_disks", type = SchemaType.BOOLEAN, defaultValue = "false", description = "true to destroy the VM's virtual hard disks with it") })))
    @APIResponse(responseCode = "200", description = "the asynchronous task's id", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TaskId.class), example = "{\"task\": \"<unique task ID>\"}"))
    public TaskId destroyvm(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        boolean destroyDisks = args.optionalBool("destroy_disks").orElse(false);
        return new TaskId(vms.destroy(currentUser.principal(), uuid, destroyDisks));
    }

    /** The spec: JSON false and the string "False" in any case stop; any other value starts. Absent is 400. */
    private static boolean enable(Args args) {
        JsonNode enable = args.raw("enable").orElseThrow(() -> ApiException.badRequest("missing argument 'enable'"));
        if (enable.isBoolean()) {
            return enable.booleanValue();
        }
        return !(enable.isTextual() && "false".equalsIgnoreCase(enable.textValue().trim()));
    }
}
