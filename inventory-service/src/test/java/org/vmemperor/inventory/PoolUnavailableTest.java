package org.vmemperor.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.vmemperor.inventory.testing.Callers.as;
import static org.vmemperor.inventory.testing.Callers.postAs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.inventory.testing.Callers;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every route answers 503 with Retry-After (never 500, never stale data) while the pool is unreachable. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class PoolUnavailableTest {

    @Inject
    TokenSigner signer;

    @Inject
    XenObjectCache cache;

    @InjectSimulator
    XapiSimulator simulator;

    @BeforeEach
    void poolLoaded() {
        await().atMost(Duration.ofSeconds(30)).until(cache::isReady);
    }

    @Test
    void answers503WhileThePoolIsDownAndRecoversByItself() {
        String vdi = (String) simulator.pool()
                .record("VDI", simulator.pool().refByName("VDI", "debian-vm-03 0").orElseThrow()).get("uuid");
        simulator.stop();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> as(signer, Callers.ADMIN).get("/netlist")
                    .then().statusCode(503));
            for (String route : List.of("/poollist", "/netlist", "/isolist", "/vdilist")) {
                as(signer, Callers.ADMIN).get(route).then().statusCode(503).header("Retry-After", notNullValue())
                        .body("status", is("unavailable"));
            }
            for (String route : List.of("/netinfo", "/isoinfo", "/vdiinfo", "/destroyvdi")) {
                postAs(signer, Callers.ADMIN, Map.of("uuid", vdi)).post(route).then().statusCode(503)
                        .header("Retry-After", notNullValue());
            }
        } finally {
            simulator.start();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(signer, Callers.ADMIN).get("/vdilist")
                .then().statusCode(200));
    }
}
