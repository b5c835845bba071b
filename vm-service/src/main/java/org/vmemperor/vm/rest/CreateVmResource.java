package org.vmemperor.vm.rest;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.vm.service.CreateVmService;

import com.fasterxml.jackson.databind.JsonNode;

/** POST /createvm: answers {@code {"task"}} at once; /taskstatus follows the installation. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class CreateVmResource {

    private final CreateVmService createVm;
    private final CurrentUser currentUser;

    public CreateVmResource(CreateVmService createVm, CurrentUser currentUser) {
        this.createVm = createVm;
        this.currentUser = currentUser;
    }

    @POST
    @Path("/createvm")
    public TaskId createvm(JsonNode body) {
        return new TaskId(createVm.create(currentUser.principal(), Args.of(body)));
    }
}
