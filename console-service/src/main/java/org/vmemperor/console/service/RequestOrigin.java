package org.vmemperor.console.service;

/**
 * Where a request came from as the client sees it: the scheme and host (with port) of the URL it used, after any
 * proxy's {@code X-Forwarded-*} headers.
 *
 * @param scheme {@code http} or {@code https}
 * @param host host and optional port, as in a {@code Host} header
 */
public record RequestOrigin(String scheme, String host) {
}
