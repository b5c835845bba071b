package org.vmemperor.common.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.PublicRoute;

import io.smallrye.common.annotation.NonBlocking;

/**
 * The framework's ceiling for bench/run-all.sh: a constant JSON body of {@code bytes} bytes answered from the event
 * loop, compared there with /vminfo answers of the same size. Only with {@code vmemperor.bench.constant-route=true};
 * it is not part of the API, of the route table or of any ingress.
 */
@Path("/")
@PublicRoute
public class BenchConstantResource {

    private static final int MAX_BYTES = 1 << 20;

    private final BenchConfig config;
    private final Map<Integer, byte[]> bodies = new ConcurrentHashMap<>();

    public BenchConstantResource(BenchConfig config) {
        this.config = config;
    }

    @POST
    @Path("/_bench/constant")
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    @Operation(hidden = true) // not the API: absent from /q/openapi as from the route table
    public byte[] constant(@QueryParam("bytes") int bytes) {
        if (!config.constantRoute() || bytes < 16 || bytes > MAX_BYTES) {
            throw ApiException.notFoundEmpty();
        }
        return bodies.computeIfAbsent(bytes, BenchConstantResource::body);
    }

    /** {@code {"pad":"xxx..."}} padded to exactly {@code bytes} bytes. */
    private static byte[] body(int bytes) {
        char[] pad = new char[bytes - "{\"pad\":\"\"}".length()];
        Arrays.fill(pad, 'x');
        return ("{\"pad\":\"" + new String(pad) + "\"}").getBytes(StandardCharsets.US_ASCII);
    }
}
