package org.vmemperor.console.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.common.security.PublicRoute;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.console.service.VncService;

/**
 * GET /console.html?uuid=...: the VM's console in the browser (noVNC, bundled in this jar under /console/novnc/). The
 * page asks POST /vnc with the session cookie, then opens the console URL. Public so that a visitor without a session
 * gets a page saying so instead of a JSON 401. A browser (its {@code Accept} names {@code text/html}) gets every
 * error as a page, since a person reads it; any other client gets the contract's JSON error body, as on every route.
 */
@Path("/")
public class ConsolePageResource {

    private static final String PAGE = read("console-page/console.html");
    private static final String MESSAGE = read("console-page/message.html");

    private final VncService vnc;
    private final CurrentUser currentUser;

    public ConsolePageResource(VncService vnc, CurrentUser currentUser) {
        this.vnc = vnc;
        this.currentUser = currentUser;
    }

    @GET
    @Path("/console.html")
    @Operation(summary = "The VM's console in the browser", description = "An HTML page with noVNC that asks /vnc (with the session cookie) and opens the console. A browser (Accept names text/html) gets every error as a page too; any other client gets the contract's JSON error body.")
    @APIResponse(responseCode = "200", description = "the console page", content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @PublicRoute
    public Response page(
            @Parameter(description = "virtual machine UUID (from /vmlist)", required = true) @QueryParam("uuid") String uuid,
            @Parameter(description = "a browser names text/html and gets errors as pages; other clients get JSON") @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        boolean browser = accept != null && accept.contains(MediaType.TEXT_HTML);
        Optional<UserPrincipal> user = currentUser.optionalPrincipal();
        Refusal refusal;
        if (user.isEmpty()) {
            refusal = new Refusal(ApiException.notAuthorized(), "Not logged in",
                    "You are not logged in to VMEmperor. Log in (POST /login), then open this page again.");
        } else if (uuid == null || uuid.isBlank()) {
            refusal = new Refusal(ApiException.badRequest("uuid is required"), "No VM",
                    "Name the VM in the address: console.html?uuid=&lt;VM uuid&gt;.");
        } else {
            try {
                XenObject vm = vnc.launchableVm(user.get(), uuid);
                return html(200, PAGE.replace("{{vm-name}}", escape(vm.string("name_label"))).replace("{{vm-uuid}}",
                        escape(vm.uuid())));
            } catch (ApiException e) {
                refusal = e.httpStatus() == 403
                        ? new Refusal(e, "Access denied", "You may not open the console of this VM.")
                        : new Refusal(e, "No such VM", "There is no VM with this uuid.");
            }
        }
        if (!browser) {
            throw refusal.error();
        }
        return message(refusal.error().httpStatus(), refusal.title(), refusal.text());
    }

    /** Why the console cannot be shown: the contract's JSON error, and what the page tells a person instead. */
    private record Refusal(ApiException error, String title, String text) {
    }

    private static Response message(int status, String title, String text) {
        return html(status, MESSAGE.replace("{{title}}", title).replace("{{text}}", text));
    }

    private static Response html(int status, String body) {
        // no framing by other sites (clickjacking a console), no caching of a page that names a VM
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(body)
                .header("X-Frame-Options", "DENY").header("Cache-Control", "no-store").build();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String read(String resource) {
        try (InputStream in = ConsolePageResource.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
