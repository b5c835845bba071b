package org.vmemperor.playbook.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
    public List<PlaybookEntry> playbooks() {
        return playbooks.visibleTo(currentUser.principal()).stream().map(PlaybookEntry::of).toList();
    }

    @POST
    @Path("/executeplaybook")
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
    public Response playbooklog(@QueryParam("task") String task, @QueryParam("stream") String stream) {
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
