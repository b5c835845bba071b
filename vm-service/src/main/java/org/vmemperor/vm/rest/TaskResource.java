package org.vmemperor.vm.rest;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
    public TaskStatusView taskstatus(JsonNode body) {
        String id = Args.of(body).string("task");
        return tasks.status(id, currentUser.principal()).map(installs::withVmPresence)
                .orElseThrow(ApiException::notFoundEmpty);
    }
}
