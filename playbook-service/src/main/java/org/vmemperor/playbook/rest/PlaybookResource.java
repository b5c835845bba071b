package org.vmemperor.playbook.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.playbook.service.PlaybookRuns;
import org.vmemperor.playbook.service.PlaybookService;
import org.vmemperor.playbook.service.RunLogs;

import com.fasterxml.jackson.databind.JsonNode;

/** GET /playbooks, POST /executeplaybook and GET /playbooklog. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class PlaybookResource {

    private final PlaybookService playbooks;
    private final PlaybookRuns runs;
    private final RunLogs logs;
    private final CurrentUser currentUser;

    public PlaybookResource(PlaybookService playbooks, PlaybookRuns runs, RunLogs logs, CurrentUser currentUser) {
        this.playbooks = playbooks;
        this.runs = runs;
        this.logs = logs;
        this.currentUser = currentUser;
    }

    @GET
    @Path("/playbooks")
    @Operation(summary = "List the playbooks available for execution", description = "Every playbook the caller may run, from its vmemperor.conf: name, description, requires (e.g. os_version), variables (description, type, options, default value), inventory, single and id. Takes no arguments.")
    @APIResponse(responseCode = "200", description = "the playbooks", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = PlaybookEntry.class), example = "[{\"name\": \"WordPress\", \"description\": \"WordPress CentOS Setup\", \"requires\": {\"os_version\": [{\"distro\": \"centos\", \"major\": 6}]}, \"variables\": {\"mysql_port\": {\"description\": \"MySQL port\", \"type\": \"int\", \"value\": 3306}}, \"inventory\": null, \"single\": false, \"id\": \"wordpress-nginx\"}]"))
    public List<PlaybookEntry> playbooks() {
        return playbooks.visibleTo(currentUser.principal()).stream().map(PlaybookEntry::of).toList();
    }

    @POST
    @Path("/executeplaybook")
    @Operation(summary = "Execute an Ansible playbook on VMs", description = "Runs the playbook as root over SSH on the given VMs (the caller needs the launch right on each; each must report a guest address in the allowed networks, so guest tools must run), or on the playbook's own inventory when its vmemperor.conf names one. Any variable declared in vmemperor.conf may be given as an argument of its own to override its default; unknown names answer 400. Answers the asynchronous task id at once, and the VMs left out under warnings; follow the run with /taskstatus (returncode) and /playbooklog.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, additionalProperties = Schema.True.class, description = "playbook and vms, plus any variable of the playbook (see /playbooks) by its name, with a value of the variable's type, to override its default", requiredProperties = {
            "playbook" }, properties = {
                    @SchemaProperty(name = "playbook", type = SchemaType.STRING, description = "playbook ID to execute (id in /playbooks)"),
                    @SchemaProperty(name = "vms", type = SchemaType.ARRAY, implementation = String.class, description = "UUIDs of the VMs to execute the playbook on (at least one; exactly one for a single playbook); required unless the playbook has its own inventory") })))
    @APIResponse(responseCode = "200", description = "the run's task id; warnings lists the VMs left out (notconnected: no guest address reported, notallowed: no address in the allowed networks), absent when none", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlaybookRuns.Started.class), example = "{\"task\": \"vmemperor-xy9wdrcg-playbook-wordpress-nginx\"}"))
    public PlaybookRuns.Started executeplaybook(JsonNode body) {
        return runs.start(currentUser.principal(), Args.of(body));
    }

    /**
     * A run's {@code stdout} (default) or {@code stderr} as plain text: its creator and administrators only. Someone
     * else's run answers as an unknown one, so that the answer does not tell whether it exists.
     */
    @GET
    @Path("/playbooklog")
    @Produces({ MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    @Operation(summary = "Read a playbook run's log", description = "A run's stdout (default) or stderr as plain text, for its creator and administrators; someone else's run answers as an unknown one.")
    @APIResponse(responseCode = "200", description = "the log, as plain text", content = @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "no such playbook run (or another user's)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError")))
    public Response playbooklog(
            @Parameter(description = "the run's task ID, as /executeplaybook answered it", required = true) @QueryParam("task") String task,
            @Parameter(description = "stdout (default) or stderr", schema = @Schema(type = SchemaType.STRING, enumeration = {
                    "stdout",
                    "stderr" }, defaultValue = "stdout")) @QueryParam("stream") String stream) {
        if (task == null || task.isBlank()) {
            throw ApiException.badRequest("task is required");
        }
        String which = stream == null ? "stdout" : stream;
        if (!RunLogs.STREAMS.contains(which)) {
            throw ApiException.badRequest("stream must be stdout or stderr");
        }
        java.nio.file.Path file = logs.readable(currentUser.principal(), task, which)
                .orElseThrow(() -> ApiException.notFound("no such playbook run"));
        return Response.ok(file.toFile(), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
    }
}
