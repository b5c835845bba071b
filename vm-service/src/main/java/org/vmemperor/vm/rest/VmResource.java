package org.vmemperor.vm.rest;

import java.util.SortedMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.vm.service.VmService;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.vertx.http.Compressed;
import io.smallrye.common.annotation.NonBlocking;

/** VM information and power: /vminfo /vmdiskinfo /vmnetinfo /startstopvm /rebootvm /destroyvm and GET /vmlist. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class VmResource {

    private final VmService vms;
    private final CurrentUser currentUser;

    public VmResource(VmService vms, CurrentUser currentUser) {
        this.vms = vms;
        this.currentUser = currentUser;
    }

    /** Answered on the event loop: everything comes from the cache, and the record is serialised in advance. */
    @POST
    @Path("/vminfo")
    @NonBlocking
    public byte[] vminfo(JsonNode body) {
        return vms.infoJson(currentUser.principal(), Args.of(body).string("uuid"));
    }

    @POST
    @Path("/vmdiskinfo")
    public SortedMap<String, SortedMap<String, Object>> vmdiskinfo(JsonNode body) {
        return vms.diskInfo(currentUser.principal(), Args.of(body).string("uuid"));
    }

    @POST
    @Path("/vmnetinfo")
    public SortedMap<String, SortedMap<String, Object>> vmnetinfo(JsonNode body) {
        return vms.netInfo(currentUser.principal(), Args.of(body).string("uuid"));
    }

    /**
     * The records of the /vmlist stream's initial messages, as one array, for REST clients. Gzip when asked: 10,000
     * VMs are about 12 MB of JSON. On a worker thread: copying megabytes (and serialising the records changed since the
     * last request) must not hold up an event loop.
     */
    @GET
    @Path("/vmlist")
    @Compressed
    public byte[] vmlist() {
        return vms.listJson(currentUser.principal());
    }

    @POST
    @Path("/startstopvm")
    public TaskId startstopvm(JsonNode body) {
        Args args = Args.of(body);
        String uuid = args.string("uuid");
        return new TaskId(vms.startStop(currentUser.principal(), uuid, enable(args)));
    }

    @POST
    @Path("/rebootvm")
    public TaskId rebootvm(JsonNode body) {
        return new TaskId(vms.reboot(currentUser.principal(), Args.of(body).string("uuid")));
    }

    @POST
    @Path("/destroyvm")
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
