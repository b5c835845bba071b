package org.vmemperor.console.rest;

import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.console.service.RequestOrigin;
import org.vmemperor.console.service.VncService;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/**
 * POST /vnc {uuid}: the console WebSocket URL. The answer is the bare URL as text, as the spec shows it and the
 * original's clients read it; a client that sends {@code Accept: application/json} (and not text/plain before it)
 * gets {@code {"url": "..."}}.
 */
@Path("/")
public class VncResource {

    private final VncService vnc;
    private final CurrentUser currentUser;

    public VncResource(VncService vnc, CurrentUser currentUser) {
        this.vnc = vnc;
        this.currentUser = currentUser;
    }

    @POST
    @Path("/vnc")
    @Produces({ MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    @Operation(summary = "Get a VNC console WebSocket URL", description = "The URL of the VM's console WebSocket (/console), usable in noVNC without the session cookie: a one-time secret in its query string authorises it. Needs the launch right on the VM. The answer is the bare URL as text, as the spec shows it; a client that prefers application/json gets {\"url\": ...}.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "uuid" }, properties = {
                    @SchemaProperty(name = "uuid", type = SchemaType.STRING, description = "virtual machine UUID (from /vmlist)") })))
    @APIResponse(responseCode = "200", description = "the console's WebSocket URL (text/plain by default; {\"url\": ...} as JSON when asked for)", content = {
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING), example = "ws://10.10.10.102:8889/console?secret=SJVib9ao4JnxfFjtaSUHfDdu0Y5flIrMSvP6WARC5I4"),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, properties = @SchemaProperty(name = "url", type = SchemaType.STRING, description = "the console's WebSocket URL"))) })
    public Response vnc(JsonNode body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        String url = vnc.consoleUrl(currentUser.token(), Args.of(body).string("uuid"), origin(request));
        if (wantsJson(headers)) {
            return Response.ok(Map.of("url", url), MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Response.ok(url, MediaType.TEXT_PLAIN_TYPE).build();
    }

    /** JSON only when asked for before (by order of preference) plain text or a wildcard. */
    private static boolean wantsJson(HttpHeaders headers) {
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()
                    && !type.isWildcardSubtype()) {
                return true;
            }
            if (type.isCompatible(MediaType.TEXT_PLAIN_TYPE)) {
                return false;
            }
        }
        return false;
    }

    /** The first value of a header a proxy may have set as a list ({@code X-Forwarded-Proto: https, http}). */
    private static String first(String header) {
        if (header == null) {
            return null;
        }
        int comma = header.indexOf(',');
        String value = (comma < 0 ? header : header.substring(0, comma)).trim();
        return value.isEmpty() ? null : value;
    }

    private static RequestOrigin origin(HttpServerRequest request) {
        String scheme = first(request.getHeader("X-Forwarded-Proto"));
        if (scheme == null) {
            scheme = request.isSSL() ? "https" : "http";
        }
        String host = first(request.getHeader("X-Forwarded-Host"));
        if (host == null && request.authority() != null) {
            // Host for HTTP/1.1, :authority for HTTP/2 (which the JDK's client upgrades to)
            HostAndPort authority = request.authority();
            String name = authority.host().contains(":") ? "[" + authority.host() + "]" : authority.host();
            host = authority.port() > 0 ? name + ":" + authority.port() : name;
        }
        return new RequestOrigin(scheme, host);
    }
}
