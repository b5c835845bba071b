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
    @Operation(summary = "Create a VM", description = "Clones an enabled template into a new VM with a virtual hard disk and a network interface. If the template has an os_kind (guessed from its reference label or set in its other_config), the OS is installed automatically with the hostname, user, password, network and partition arguments; otherwise the VM boots the given ISO. Answers an asynchronous task id at once; follow the installation with /taskstatus.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "template", "storage", "network", "vdi_size", "ram_size", "name_label" }, properties = {
                    @SchemaProperty(name = "template", type = SchemaType.STRING, description = "UUID of an enabled template to install the VM from (/tmpllist)"),
                    @SchemaProperty(name = "storage", type = SchemaType.STRING, description = "UUID of a storage repository to create the virtual hard disk on (/poollist); not an ISO library"),
                    @SchemaProperty(name = "network", type = SchemaType.STRING, description = "UUID of a network to attach the VM to (/netlist); needs the attach right on it"),
                    @SchemaProperty(name = "vdi_size", type = SchemaType.INTEGER, minimum = "1", description = "size of the virtual hard disk to create, in megabytes"),
                    @SchemaProperty(name = "ram_size", type = SchemaType.INTEGER, minimum = "1", description = "size of the virtual RAM allocation, in megabytes"),
                    @SchemaProperty(name = "name_label", type = SchemaType.STRING, maxLength = 255, description = "human-readable name of the virtual machine"),
                    @SchemaProperty(name = "vcpus", type = SchemaType.INTEGER, minimum = "1", maximum = "64", defaultValue = "1", description = "number of virtual CPUs"),
                    @SchemaProperty(name = "iso", type = SchemaType.STRING, description = "UUID of an ISO image (/isolist) to boot the installer from; required when the template has no automatic install (no os_kind), ignored otherwise"),
                    @SchemaProperty(name = "hostname", type = SchemaType.STRING, maxLength = 63, description = "host name to set (an RFC 1123 label); required for an automatic install"),
                    @SchemaProperty(name = "mirror_url", type = SchemaType.STRING, maxLength = 512, description = "installation repository URL (http or https, without credentials, query or fragment); the distribution's default when absent; automatic install only"),
                    @SchemaProperty(name = "ip", type = SchemaType.STRING, description = "static IPv4 address; give ip, gateway and netmask together, or none of them for DHCP; automatic install only"),
                    @SchemaProperty(name = "gateway", type = SchemaType.STRING, description = "static IPv4 gateway (in the subnet of ip); automatic install only"),
                    @SchemaProperty(name = "netmask", type = SchemaType.STRING, description = "static netmask, dotted (255.255.255.0) or as a prefix length (24 or /24); automatic install only"),
                    @SchemaProperty(name = "dns0", type = SchemaType.STRING, description = "first DNS server (IPv4) for a static address; the gateway when neither dns0 nor dns1 is given; automatic install only"),
                    @SchemaProperty(name = "dns1", type = SchemaType.STRING, description = "second DNS server (IPv4) for a static address; automatic install only"),
                    @SchemaProperty(name = "username", type = SchemaType.STRING, maxLength = 32, description = "login name of the first user (gets sudo): a lowercase letter, then lowercase letters, digits, - or _; not a system account; required for an automatic install"),
                    @SchemaProperty(name = "password", type = SchemaType.STRING, format = "password", maxLength = 256, description = "the first user's password (stored as a SHA-512 crypt hash); required for an automatic install"),
                    @SchemaProperty(name = "fullname", type = SchemaType.STRING, maxLength = 128, description = "the first user's full name (letters, digits, spaces and . ' - only); automatic install only"),
                    @SchemaProperty(name = "partition", type = SchemaType.STRING, defaultValue = "auto", description = "disk partition scheme, dash-separated tokens: auto, mbr, gpt, lvm, swap-<MB>, or <mountpoint>-<MB>-[filesystem] (e.g. /-15359-), see vm-service/README.md; automatic install only") })))
    @APIResponse(responseCode = "200", description = "the asynchronous task's id", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TaskId.class), example = "{\"task\": \"<unique task ID>\"}"))
    public TaskId createvm(JsonNode body) {
        return new TaskId(createVm.create(currentUser.principal(), Args.of(body)));
    }
}
