package org.vmemperor.common.xenapi;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.vmemperor.common.security.PublicRoute;

/** A test-only route that reads the cache the way every service route does (public: this test is about the pool). */
@Path("/test/cache")
@PublicRoute
public class CacheProbeResource {

    private final XenObjectCache cache;

    public CacheProbeResource(XenObjectCache cache) {
        this.cache = cache;
    }

    @GET
    @Path("/vm/{uuid}")
    public Map<String, String> vm(@PathParam("uuid") String uuid) {
        XenObject vm = cache.requireByUuid(XenClass.VM, uuid);
        return Map.of("uuid", vm.uuid(), "name_label", vm.string("name_label"));
    }
}
