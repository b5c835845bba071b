package org.vmemperor.common.error;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A failure the client caused or must know about, carrying its HTTP status and its JSON body. Resources and services
 * throw it; {@link ApiExceptionMapper} writes it. A {@code null} body means an empty response (the spec's unknown
 * task).
 */
public class ApiException extends RuntimeException {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int httpStatus;
    private final transient ApiError body;
    private final Integer retryAfterSeconds;

    public ApiException(int httpStatus, ApiError body) {
        this(httpStatus, body, null);
    }

    private ApiException(int httpStatus, ApiError body, Integer retryAfterSeconds) {
        super(body == null ? "HTTP " + httpStatus : body.message(), null, false, false);
        this.httpStatus = httpStatus;
        this.body = body;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The JSON body, or {@code null} for an empty one. */
    public ApiError body() {
        return body;
    }

    /** Seconds for a {@code Retry-After} header, or {@code null}. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** 400: a missing, ill-typed or invalid argument. */
    public static ApiException badRequest(String message) {
        return new ApiException(400, new ApiError("bad request", message));
    }

    /** 400 with {@code warnings} saying, by kind, which of the named objects could not be used. */
    public static ApiException badRequest(String message, Map<String, List<String>> warnings) {
        return new ApiException(400, new ApiError("bad request", message, null, Map.copyOf(warnings)));
    }

    /**
     * 400 for an object the pool does not know, shaped as the spec's "Wrong UUID": the message is itself a JSON string
     * naming the type and the UUID, and {@code details} holds the XenAPI error description.
     */
    public static ApiException unknownObject(String xenType, String uuid, List<String> xenError) {
        String text = "Failed to initialize object of type " + xenType + " with UUID " + uuid;
        return xenApiRefused(text, xenError);
    }

    /** 400 for a request the pool refused, with the XenAPI error description in {@code details}. */
    public static ApiException xenApiRefused(String text, List<String> xenError) {
        String message;
        try {
            message = JSON.writeValueAsString(new WrappedXenError(text, xenError));
        } catch (JsonProcessingException e) {
            message = text;
        }
        return new ApiException(400, new ApiError("bad request", message, List.copyOf(xenError)));
    }

    /** 401: no valid session. */
    public static ApiException notAuthorized() {
        return new ApiException(401, new ApiError("error", "not authorized"));
    }

    /** 401 for a failed login, whichever part of the credentials was wrong. */
    public static ApiException wrongCredentials() {
        return new ApiException(401, new ApiError("error", "wrong credentials"));
    }

    /** 403: the caller lacks a right or is not an administrator. */
    public static ApiException accessDenied(String message) {
        return new ApiException(403, new ApiError("access denied", message));
    }

    /** 404 with an empty body, as the spec answers for an unknown (or someone else's) task. */
    public static ApiException notFoundEmpty() {
        return new ApiException(404, null);
    }

    /** 404 with a JSON body, for anything but tasks. */
    public static ApiException notFound(String message) {
        return new ApiException(404, new ApiError("not found", message));
    }

    /** 409: the thing to create already exists. */
    public static ApiException conflict(String message) {
        return new ApiException(409, new ApiError("conflict", message));
    }

    /** 429: too many attempts; the client should wait. */
    public static ApiException tooManyRequests(String message, int retryAfterSeconds) {
        return new ApiException(429, new ApiError("error", message), retryAfterSeconds);
    }

    /** 503: the pool (or another dependency) cannot be reached right now. */
    public static ApiException unavailable(String message, int retryAfterSeconds) {
        return new ApiException(503, new ApiError("unavailable", message), retryAfterSeconds);
    }

    private record WrappedXenError(String message, List<String> details) {
    }
}
