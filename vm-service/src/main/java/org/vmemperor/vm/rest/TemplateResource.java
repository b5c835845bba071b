package org.vmemperor.vm.rest;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
    public List<TemplateEntry> tmpllist() {
        return templates.enabled();
    }

    @GET
    @Path("/alltemplates")
    @AdminOnly
    public Map<String, Map<String, Object>> alltemplates() {
        return templates.all();
    }

    @POST
    @Path("/turntemplate")
    @AdminOnly
    public StatusOk turntemplate(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        templates.turn(uuid, args.string("action"));
        return StatusOk.OK;
    }
}
