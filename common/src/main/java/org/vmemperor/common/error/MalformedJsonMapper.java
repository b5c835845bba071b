package org.vmemperor.common.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Malformed or ill-typed JSON is the client's fault: 400 with the JSON error shape (the original answered 500 with an
 * HTML page; this is a deliberate fix).
 */
@Provider
public class MalformedJsonMapper implements ExceptionMapper<JsonProcessingException> {

    @Override
    public Response toResponse(JsonProcessingException exception) {
        return ApiExceptionMapper.toResponse(400, new ApiError("bad request", "malformed JSON body"), null);
    }
}
