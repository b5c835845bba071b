package org.vmemperor.common.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.vmemperor.common.xenapi.PoolUnavailableException;

/** The pool is unreachable or not loaded yet: 503 with {@code Retry-After}, so clients back off and retry. */
@Provider
public class PoolUnavailableMapper implements ExceptionMapper<PoolUnavailableException> {

    static final int RETRY_AFTER_SECONDS = 5;

    @Override
    public Response toResponse(PoolUnavailableException exception) {
        return ApiExceptionMapper.toResponse(503, new ApiError("unavailable", exception.getMessage()),
                RETRY_AFTER_SECONDS);
    }
}
