package org.vmemperor.common.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.vmemperor.common.xenapi.XenApiFailure;

/**
 * A synchronous refusal by the pool that a service did not translate itself: 400 with XenAPI's error description in
 * {@code details}.
 */
@Provider
public class XenApiFailureMapper implements ExceptionMapper<XenApiFailure> {

    @Override
    public Response toResponse(XenApiFailure failure) {
        ApiException api = ApiException.xenApiRefused("XenAPI refused the request: " + failure.code(),
                failure.errorDescription());
        return ApiExceptionMapper.toResponse(api.httpStatus(), api.body(), null);
    }
}
