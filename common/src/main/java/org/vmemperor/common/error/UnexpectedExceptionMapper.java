package org.vmemperor.common.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.jboss.logging.Logger;

/**
 * The last line: a bug on our side still answers JSON, never an HTML page, and is logged with its stack trace so it
 * can be fixed. No client input is expected to reach it.
 */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Exception> {

    private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Exception exception) {
        return internalError(exception);
    }

    static Response internalError(Throwable exception) {
        LOG.error("Unexpected failure while serving a request", exception);
        return ApiExceptionMapper.toResponse(500, new ApiError("error", "internal error"), null);
    }
}
