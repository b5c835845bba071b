package org.vmemperor.common.error;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Writes {@link ApiException}: its status, its JSON body (or none), and {@code Retry-After} where it has one. */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<ApiException> {

    @Override
    public Response toResponse(ApiException exception) {
        return toResponse(exception.httpStatus(), exception.body(), exception.retryAfterSeconds());
    }

    static Response toResponse(int status, ApiError body, Integer retryAfterSeconds) {
        Response.ResponseBuilder response = Response.status(status);
        if (body != null) {
            response.type(MediaType.APPLICATION_JSON_TYPE).entity(body);
        }
        if (retryAfterSeconds != null) {
            response.header("Retry-After", retryAfterSeconds);
        }
        return response.build();
    }
}
