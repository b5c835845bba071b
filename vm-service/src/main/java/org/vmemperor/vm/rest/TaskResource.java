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
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.task.TaskStatusView;
import org.vmemperor.vm.service.InstallStatus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * /taskstatus for every kind of task of every service (the rows are shared). An unknown id and another user's task
 * both answer 404 with an empty body, as the spec says, so ids cannot be probed.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    private final TaskService tasks;
    private final CurrentUser currentUser;
    private final InstallStatus installs;

    public TaskResource(TaskService tasks, CurrentUser currentUser, InstallStatus installs) {
        this.tasks = tasks;
        this.currentUser = currentUser;
        this.installs = installs;
    }

    @POST
    @Path("/taskstatus")
    @Operation(summary = "Check the status of an asynchronous task", description = "The answer depends on the kind of task: standard tasks (/destroyvm, /startstopvm, /rebootvm, /destroyvdi) give created, status (pending, success, failure), progress (0.0 to 1.0), finished and error_info; /createvm gives the VM's uuid, the installation state and a message; /executeplaybook gives the returncode with the run's state and message.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "task" }, properties = {
                    @SchemaProperty(name = "task", type = SchemaType.STRING, description = "unique task ID, as the route that started the task answered it") })))
    @APIResponse(responseCode = "200", description = "the task's status", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {
            TaskStatusView.Standard.class, TaskStatusView.Installation.class,
            TaskStatusView.Playbook.class }), example = "{\"created\": \"2018-10-08T13:53:35\", \"status\": \"success\", \"progress\": 1.0, \"finished\": \"2018-10-08T13:54:56\"}"))
    @APIResponse(responseCode = "404", description = "no such task (or another user's): empty body")
    public TaskStatusView taskstatus(JsonNode body) {
        String id = Args.of(body).string("task");
        return tasks.status(id, currentUser.principal()).map(installs::withVmPresence)
                .orElseThrow(ApiException::notFoundEmpty);
    }
}
