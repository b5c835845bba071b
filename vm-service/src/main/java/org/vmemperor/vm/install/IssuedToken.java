package org.vmemperor.vm.install;

import java.time.Instant;

/** A one-time answer-file token and when it expires. The token is a secret: it is never logged. */
public record IssuedToken(String token, Instant expires) {

    @Override
    public String toString() {
        return "IssuedToken[expires=" + expires + "]";
    }
}
