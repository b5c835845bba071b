package org.vmemperor.access.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.vmemperor.access.service.LoginService;
import org.vmemperor.common.http.SecurityHeaders;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.CurrentUser;
import org.vmemperor.common.security.PublicRoute;
import org.vmemperor.common.security.SecurityConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.http.HttpServerRequest;

/** /login, /adminauth, /logout, /userinfo. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    /** The spec's login answer; {@code token} only when asked for with {@code "token": true}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LoginResponse(String status, String login, String token) {
    }

    public record StatusResponse(String status) {
    }

    public record UserInfo(String id, String name, String username, List<String> groups,
            @JsonProperty("is_admin") boolean isAdmin) {
    }

    private final LoginService logins;
    private final CurrentUser currentUser;
    private final SecurityConfig config;

    public AuthResource(LoginService logins, CurrentUser currentUser, SecurityConfig config) {
        this.logins = logins;
        this.currentUser = currentUser;
        this.config = config;
    }

    @POST
    @Path("/login")
    @Operation(summary = "Log in with an external authentication source", description = "Authenticates against the local users, then LDAP when configured, and sets the session cookie. Failed attempts are throttled per username and per client address.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "username", "password" }, properties = {
                    @SchemaProperty(name = "username", type = SchemaType.STRING, maxLength = 255, description = "user name (local user or LDAP)"),
                    @SchemaProperty(name = "password", type = SchemaType.STRING, maxLength = 255, format = "password", description = "the user's password"),
                    @SchemaProperty(name = "token", type = SchemaType.BOOLEAN, defaultValue = "false", description = "true to get the session token in the answer's body too (for clients that send it as a Bearer token instead of the cookie)") })))
    @APIResponse(responseCode = "200", description = "logged in; the session cookie is set", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LoginResponse.class), example = "{\"status\": \"success\", \"login\": \"provided username\"}"))
    @APIResponse(responseCode = "401", description = "wrong username or password", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError"), example = "{\"status\": \"error\", \"message\": \"wrong credentials\"}"))
    @APIResponse(responseCode = "429", description = "too many failed logins for this username or client address; retry after Retry-After seconds (the password is not checked)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError")))
    @PublicRoute
    public Response login(JsonNode body, @Context HttpServerRequest request) {
        Args args = Args.of(body);
        String username = args.string("username");
        TokenSigner.SignedToken token = logins.login(username, args.string("password"), ClientAddress.of(request));
        return loggedIn(username, token, args.optionalBool("token").orElse(false), request);
    }

    @POST
    @Path("/adminauth")
    @Operation(summary = "Log in as an administrator with the pool's credentials", description = "Authenticates with XenServer (session.login_with_password): whoever the pool accepts administers VMEmperor. Arguments and answer are identical to /login.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {
            "username", "password" }, properties = {
                    @SchemaProperty(name = "username", type = SchemaType.STRING, maxLength = 255, description = "the pool's user name (e.g. root)"),
                    @SchemaProperty(name = "password", type = SchemaType.STRING, maxLength = 255, format = "password", description = "the pool user's password"),
                    @SchemaProperty(name = "token", type = SchemaType.BOOLEAN, defaultValue = "false", description = "true to get the session token in the answer's body too (for clients that send it as a Bearer token instead of the cookie)") })))
    @APIResponse(responseCode = "200", description = "logged in; the session cookie is set", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LoginResponse.class), example = "{\"status\": \"success\", \"login\": \"provided username\"}"))
    @APIResponse(responseCode = "401", description = "the pool refused the username or password", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError"), example = "{\"status\": \"error\", \"message\": \"wrong credentials\"}"))
    @APIResponse(responseCode = "429", description = "too many failed logins for this username or client address; retry after Retry-After seconds (the password is not checked)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApiError")))
    @PublicRoute
    public Response adminauth(JsonNode body, @Context HttpServerRequest request) {
        Args args = Args.of(body);
        String username = args.string("username");
        TokenSigner.SignedToken token = logins.adminLogin(username, args.string("password"),
                ClientAddress.of(request));
        return loggedIn(username, token, args.optionalBool("token").orElse(false), request);
    }

    /** Public so that a stale cookie can always be cleared; a valid token is revoked. */
    @GET
    @Path("/logout")
    @Operation(summary = "Log out", description = "Revokes the caller's session token (on every replica) and clears the session cookie. Public, so that a stale cookie can always be cleared; takes no arguments.")
    @APIResponse(responseCode = "200", description = "logged out; the session cookie is cleared", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StatusResponse.class), example = "{\"status\": \"ok\"}"))
    @PublicRoute
    public Response logout(@Context HttpServerRequest request) {
        if (currentUser.optionalPrincipal().isPresent()) {
            logins.logout(currentUser.token(), ClientAddress.of(request));
        }
        return Response.ok(new StatusResponse("ok")).cookie(cookie("", 0, request)).build();
    }

    /** On the event loop: the caller comes from the verified token alone. */
    @GET
    @Path("/userinfo")
    @Operation(summary = "The logged-in user", description = "Who the session belongs to: bare id, display name, username, bare ids of the user's groups, and whether the user is an administrator. Takes no arguments.")
    @APIResponseSchema(value = UserInfo.class, responseCode = "200", responseDescription = "the caller's identity")
    @NonBlocking
    public UserInfo userinfo() {
        UserPrincipal principal = currentUser.principal();
        List<String> groups = principal.groups().stream()
                .map(group -> group.substring(UserPrincipal.GROUP_PREFIX.length())).toList();
        return new UserInfo(principal.bareId(), principal.name(), principal.username(), groups, principal.admin());
    }

    private Response loggedIn(String username, TokenSigner.SignedToken token, boolean tokenInBody,
            HttpServerRequest request) {
        int maxAge = (int) config.tokenLifetime().toSeconds();
        return Response.ok(new LoginResponse("success", username, tokenInBody ? token.token() : null))
                .cookie(cookie(token.token(), maxAge, request)).build();
    }

    /** {@code Secure} when configured, and whenever the client came over TLS (directly or through the ingress). */
    private NewCookie cookie(String value, int maxAge, HttpServerRequest request) {
        return new NewCookie.Builder(config.cookieName())
                .value(value)
                .path("/")
                .httpOnly(true)
                .secure(config.cookieSecure() || SecurityHeaders.overTls(request))
                .sameSite(NewCookie.SameSite.STRICT)
                .maxAge(maxAge)
                .build();
    }
}
