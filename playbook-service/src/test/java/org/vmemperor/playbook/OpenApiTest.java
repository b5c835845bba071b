package org.vmemperor.playbook;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.OpenApiDescription;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.playbook.testing.SshdResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /q/openapi describes every live HTTP route the route table gives this service, with the contract's answers. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(SshdResource.class) // the same resources as the other tests: one application for all
class OpenApiTest {

    @Test
    void everyRouteOfTheRouteTableIsDescribed() {
        OpenApiDescription.assertDescribesEveryRouteOf("playbook");
    }
}
