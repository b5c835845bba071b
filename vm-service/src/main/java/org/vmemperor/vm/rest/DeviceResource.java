package org.vmemperor.vm.rest;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
    public StatusOk netaction(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        String net = args.string("net");
        devices.netAction(currentUser.principal(), uuid, net, Direction.parse(args.string("action")));
        return StatusOk.OK;
    }

    @POST
    @Path("/attachdetachvdi")
    public StatusOk attachdetachvdi(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        String vdi = args.string("vdi");
        devices.attachDetachVdi(currentUser.principal(), uuid, vdi, Direction.parse(args.string("action")));
        return StatusOk.OK;
    }

    @POST
    @Path("/attachdetachiso")
    public StatusOk attachdetachiso(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        // the spec says the request is identical to /attachdetachvdi: "vdi" is accepted for "iso"
        String iso = args.has("iso") ? args.string("iso") : args.string("vdi");
        devices.attachDetachIso(currentUser.principal(), uuid, iso, Direction.parse(args.string("action")));
        return StatusOk.OK;
    }
}
