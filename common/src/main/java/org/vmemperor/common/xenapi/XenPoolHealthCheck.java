package org.vmemperor.common.xenapi;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the pool is reachable and its objects are loaded (the database has Quarkus' own check). */
@Readiness
@ApplicationScoped
public class XenPoolHealthCheck implements HealthCheck {

    private final XenObjectCache cache;

    public XenPoolHealthCheck(XenObjectCache cache) {
        this.cache = cache;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("xenapi-pool");
        if (cache.isReady()) {
            return response.up()
                    .withData("vms", cache.size(XenClass.VM))
                    .withData("loaded", cache.lastLoad().map(Object::toString).orElse(""))
                    .build();
        }
        return response.down().withData("reason", cache.unavailableReason()).build();
    }
}
