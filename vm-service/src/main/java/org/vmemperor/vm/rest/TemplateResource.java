package org.vmemperor.vm.rest;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
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
import org.vmemperor.common.security.AdminOnly;
import org.vmemperor.common.view.TemplateEntry;
import org.vmemperor.vm.service.TemplateService;

import com.fasterxml.jackson.databind.JsonNode;

/** /tmpllist for everyone logged in; /alltemplates and /turntemplate for administrators. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class TemplateResource {

    private final TemplateService templates;

    public TemplateResource(TemplateService templates) {
        this.templates = templates;
    }

    @GET
    @Path("/tmpllist")
    @Operation(summary = "List the templates enabled for installation", description = "Every template with the vmemperor tag: hvm, name_label, os_kind (ubuntu, debian or centos when the template installs automatically), ref and uuid. Takes no arguments.")
    @APIResponse(responseCode = "200", description = "the enabled templates", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = TemplateEntry.class), example = "[{\"hvm\": false, \"name_label\": \"Ubuntu Lucid Lynx 10.04 (32-bit)\", \"os_kind\": \"ubuntu\", \"ref\": \"OpaqueRef:bc91c4f9-5f42-6f6a-5da2-1c5e413b633c\", \"uuid\": \"0e9d218d-03ef-49be-934a-dbc47c206957\"}]"))
    public List<TemplateEntry> tmpllist() {
        return templates.enabled();
    }

    @GET
    @Path("/alltemplates")
    @Operation(summary = "All templates with all their fields (administrators only)", description = "Every template of the pool, keyed by ref, with XenAPI's fields (described on the XenAPI website). Takes no arguments.")
    @APIResponse(responseCode = "200", description = "the templates' XenAPI records by ref", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, additionalProperties = Schema.True.class)))
    @AdminOnly
    public Map<String, Map<String, Object>> alltemplates() {
        return templates.all();
    }

    @POST
    @Path("/turntemplate")
    @Operation(summary = "Enable or disable a template (administrators only)", description = "An enabled template has the vmemperor tag and is shown in /tmpllist to every user.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid", "action" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "template UUID (/alltemplates)"),
                    @SchemaProperty(name = "action", type = SchemaType.STRING, enumeration = { "on",
                            "off" }, description = "on to enable the template, off to disable it") })))
    @APIResponse(responseCode = "200", description = "done", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StatusOk.class), example = "{\"status\": \"ok\"}"))
    @AdminOnly
    public StatusOk turntemplate(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        templates.turn(uuid, args.string("action"));
        return StatusOk.OK;
    }
}
