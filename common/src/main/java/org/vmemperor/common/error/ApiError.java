package org.vmemperor.common.error;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The one JSON error body of the API: {@code {"status": ..., "message": ...}}, plus the XenAPI error description in
 * {@code details} when the pool refused something.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String status, String message, List<String> details) {

    public ApiError(String status, String message) {
        this(status, message, null);
    }
}
