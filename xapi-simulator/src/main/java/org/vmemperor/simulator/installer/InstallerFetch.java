package org.vmemperor.simulator.installer;

/**
 * One download the simulated installer made: the URL, the HTTP status (-1 when no answer came at all) and the
 * body (or the failure's message).
 */
public record InstallerFetch(String url, int status, String body) {
    public boolean succeeded() {
        return status >= 200 && status < 300;
    }
}
