package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.jboss.jandex.Index;
import org.jboss.jandex.Indexer;
import org.junit.jupiter.api.Test;
import org.vmemperor.deploy.ServiceEndpoints.Endpoint;

import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.vertx.ext.web.Router;

/** The endpoint reader of {@link RouteTableTest} on classes of known shape: what it finds, and the path it builds. */
class ServiceEndpointsTest {

    @Path("/")
    static class SplitPaths {
        @GET
        @Path("sample")
        public String sample() {
            return "";
        }

        @POST
        @Path("/nested/{token}")
        public String nested() {
            return "";
        }

        public String notAnEndpoint() {
            return "";
        }
    }

    @Path("/whole")
    static class WholePath {
        @POST
        public String post() {
            return "";
        }
    }

    @WebSocket(path = "/stream")
    static class Stream {
        @OnOpen
        public void open() {
        }
    }

    static class HandMadeRoute {
        void register(@Observes Router router) {
            router.route("/raw").handler(context -> context.request().toWebSocket());
        }
    }

    @Test
    void readsAnnotatedAndHandMadeRoutes() throws IOException {
        Indexer indexer = new Indexer();
        for (Class<?> type : new Class<?>[] { SplitPaths.class, WholePath.class, Stream.class, HandMadeRoute.class }) {
            indexer.indexClass(type);
        }
        Index index = indexer.complete();
        assertThat(ServiceEndpoints.fromIndex(index)).extracting(Endpoint::path, Endpoint::websocket)
                .containsExactlyInAnyOrder(tuple("/sample", false),
                        tuple("/nested/{token}", false),
                        tuple("/whole", false),
                        tuple("/stream", true));
        assertThat(ServiceEndpoints.routerObservers(index)).extracting(c -> c.name().toString())
                .containsExactly(HandMadeRoute.class.getName());
        byte[] classFile;
        try (InputStream in = HandMadeRoute.class.getResourceAsStream("ServiceEndpointsTest$HandMadeRoute.class")) {
            classFile = in.readAllBytes();
        }
        assertThat(RouterRoutes.of(HandMadeRoute.class.getName(), classFile)).extracting(Endpoint::path)
                .containsExactly("/raw");
    }

    @Test
    void joinsClassAndMethodPaths() {
        assertThat(ServiceEndpoints.join("/", "userlist")).isEqualTo("/userlist");
        assertThat(ServiceEndpoints.join("/autoinstall", "{token}")).isEqualTo("/autoinstall/{token}");
        assertThat(ServiceEndpoints.join("/createvm", "")).isEqualTo("/createvm");
    }
}
