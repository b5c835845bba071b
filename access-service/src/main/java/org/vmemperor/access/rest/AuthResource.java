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
    @PublicRoute
    public Response login(JsonNode body, @Context HttpServerRequest request) {
        Args args = Args.of(body);
        String username = args.string("username");
        TokenSigner.SignedToken token = logins.login(username, args.string("password"), ClientAddress.of(request));
        return loggedIn(username, token, args.optionalBool("token").orElse(false), request);
    }

    @POST
    @Path("/adminauth")
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
