package org.vmemperor.common.error;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The one JSON error body of the API: {@code {"status": ..., "message": ...}}, plus the XenAPI error description in
 * {@code details} when the pool refused something, and {@code warnings} (by kind, the objects concerned) when a
 * request was refused because nothing it named was usable (e.g. /executeplaybook: no VM reachable).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String status, String message, List<String> details, Map<String, List<String>> warnings) {

    public ApiError(String status, String message) {
        this(status, message, null, null);
    }

    public ApiError(String status, String message, List<String> details) {
        this(status, message, details, null);
    }
}
