package org.vmemperor.common.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.vmemperor.common.error.ApiError;
import org.vmemperor.common.error.WebApplicationExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

/**
 * The API contract for what happens before any route runs: request URIs, headers and bodies beyond
 * {@link HttpLimitsConfig} answer 414, 431 and 413, and every failure of the HTTP layer (a body over the limit sent
 * chunked, bad percent-encoding, ...) answers the JSON error body, never an empty one. A client's mistake is logged
 * at DEBUG: it is not a server error.
 * <p>
 * Bodies are read here, bounded by the route's own limit (a /vminfo body is a few hundred bytes, a /createvm body a
 * few kilobytes), so a body sent without {@code Content-Length} is cut off at the same limit; the REST layer then
 * reads the buffered body.
 */
@ApplicationScoped
public class RequestLimits {

    /** Before Quarkus' own check of {@code quarkus.http.limits.max-body-size}, which answers an empty 413. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    private final HttpLimitsConfig config;
    private final ObjectMapper json;
    private final BodyHandler defaultBodies;
    private final Map<String, BodyHandler> routeBodies;
    private final Map<String, Long> routeLimits;

    public RequestLimits(HttpLimitsConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.routeLimits = Map.of(
                "/createvm", config.maxCreateVmBodySize().asLongValue(),
                "/executeplaybook", config.maxPlaybookBodySize().asLongValue());
        this.defaultBodies = bodies(config.maxBodySize().asLongValue());
        this.routeBodies = Map.of(
                "/createvm", bodies(routeLimits.get("/createvm")),
                "/executeplaybook", bodies(routeLimits.get("/executeplaybook")));
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
        router.route().order(ORDER).handler(this::check);
    }

    private static BodyHandler bodies(long limit) {
        return BodyHandler.create(false).setBodyLimit(limit).setHandleFileUploads(false)
                .setMergeFormAttributes(false).setDeleteUploadedFilesOnEnd(true);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!validUri(request.uri())) {
            answer(context, 400, new ApiError("bad request", "malformed request URI (percent-encoding)"));
            return;
        }
        if (request.uri().length() > config.maxUriLength()) {
            answer(context, 414, new ApiError("bad request",
                    "request URI longer than " + config.maxUriLength() + " characters"));
            return;
        }
        long headers = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headers += header.getKey().length() + header.getValue().length();
        }
        if (headers > config.maxHeaderSize()) {
            answer(context, 431, new ApiError("bad request",
                    "request headers larger than " + config.maxHeaderSize() + " characters"));
            return;
        }
        String path = context.normalizedPath();
        long limit = routeLimits.getOrDefault(path, config.maxBodySize().asLongValue());
        String length = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared < 0) {
                answer(context, 400, new ApiError("bad request", "invalid Content-Length"));
                return;
            }
            if (declared > limit) {
                tooLarge(context, limit);
                return;
            }
        }
        HttpMethod method = request.method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            context.next();
            return;
        }
        routeBodies.getOrDefault(path, defaultBodies).handle(context);
    }

    /**
     * What Quarkus checks before any handler unless {@code vertx.disableURIValidation} is set (the standalone sets it,
     * so that this answer has the JSON body).
     */
    private static boolean validUri(String uri) {
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException | NullPointerException e) {
            return false;
        }
    }

    private void failed(RoutingContext context) {
        HttpServerResponse response = context.response();
        Throwable failure = context.failure();
        int status = failure instanceof HttpException http ? http.getStatusCode() : context.statusCode();
        if (response.ended() || response.headWritten()) {
            Log.debugf("request failed after its answer was sent: %s", failure);
            return;
        }
        if (!validUri(context.request().uri())) {
            // the router itself fails on a path it cannot decode, before check() runs
            Log.debugf("refused a malformed request URI: %s", failure);
            answer(context, 400, new ApiError("bad request", "malformed request URI (percent-encoding)"));
            return;
        }
        if (status >= 400 && status < 500) {
            Log.debugf("refused before any route: %d %s", status, failure);
            if (status == 413) {
                long limit = routeLimits.getOrDefault(context.normalizedPath(), config.maxBodySize().asLongValue());
                tooLarge(context, limit);
            } else {
                answer(context, status, WebApplicationExceptionMapper.forStatus(status));
            }
            return;
        }
        Log.error("Unexpected failure while serving a request", failure);
        answer(context, 500, new ApiError("error", "internal error"));
    }

    /** 413, then the connection is closed: the rest of the body may still be on its way. */
    private void tooLarge(RoutingContext context, long limit) {
        HttpServerResponse response = context.response();
        response.putHeader(HttpHeaderNames.CONNECTION, "close");
        response.endHandler(ignored -> context.request().connection().close());
        answer(context, 413, new ApiError("bad request", "request body larger than " + limit + " bytes"));
    }

    private void answer(RoutingContext context, int status, ApiError body) {
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "{\"status\":\"error\",\"message\":\"internal error\"}";
        }
        context.response().setStatusCode(status).putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .end(text);
    }
}
