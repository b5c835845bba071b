package org.vmemperor.common.error;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Failures raised by the REST layer itself (unknown route, wrong method, unsupported media type, unreadable body)
 * keep their status but get the JSON error shape instead of an empty or HTML body.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        int status = exception.getResponse().getStatus();
        if (status >= 500) {
            return UnexpectedExceptionMapper.internalError(exception);
        }
        return ApiExceptionMapper.toResponse(status, forStatus(status), null);
    }

    /**
     * The body of a client error raised by the HTTP layer rather than by a route (here, and before any route runs:
     * {@code org.vmemperor.common.http.RequestLimits}).
     */
    public static ApiError forStatus(int status) {
        String message = switch (status) {
            case 400 -> "bad request";
            case 401 -> "not authorized";
            case 403 -> "access denied";
            case 404 -> "no such route";
            case 405 -> "method not allowed";
            case 406 -> "not acceptable";
            case 413 -> "request body too large";
            case 414 -> "request URI too long";
            case 415 -> "unsupported media type: send application/json";
            case 431 -> "request headers too large";
            default -> Response.Status.fromStatusCode(status) == null ? "error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase();
        };
        String kind = switch (status) {
            case 400, 405, 406, 413, 414, 415, 431 -> "bad request";
            case 401 -> "error";
            case 403 -> "access denied";
            case 404 -> "not found";
            default -> "error";
        };
        return new ApiError(kind, message);
    }
}
