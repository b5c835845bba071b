package org.vmemperor.access;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.OpenApiDescription;
import org.vmemperor.common.testing.PoolTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /q/openapi describes every live HTTP route the route table gives this service, with the contract's answers. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class OpenApiTest {

    @Test
    void everyRouteOfTheRouteTableIsDescribed() {
        OpenApiDescription.assertDescribesEveryRouteOf("access");
    }
}
