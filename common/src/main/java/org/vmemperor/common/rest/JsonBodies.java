package org.vmemperor.common.rest;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every request body of the API is a JSON object, whatever the client calls it: {@code curl -d '{...}'} labels it
 * {@code application/x-www-form-urlencoded}, and many scripts send no {@code Content-Type} at all (the original
 * accepted both). Without this, the body of such a request has no reader and the answer is 415. Pre-matching, so the
 * body is read by Jackson for every route of every service; a body that is not JSON then answers 400
 * {@code malformed JSON body}. Other declared types (e.g. {@code text/plain}) still answer 415 saying what to send.
 */
public class JsonBodies {

    @ServerRequestFilter(preMatching = true)
    public void assumeJson(ContainerRequestContext request) {
        String method = request.getMethod();
        if (!HttpMethod.POST.equals(method) && !HttpMethod.PUT.equals(method) && !HttpMethod.PATCH.equals(method)) {
            return;
        }
        MediaType type = request.getMediaType();
        if (type == null || isForm(type)) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }

    private static boolean isForm(MediaType type) {
        return MediaType.APPLICATION_FORM_URLENCODED_TYPE.getType().equalsIgnoreCase(type.getType())
                && MediaType.APPLICATION_FORM_URLENCODED_TYPE.getSubtype().equalsIgnoreCase(type.getSubtype());
    }
}
