package org.vmemperor.common.xenapi;

/** The pool cannot be reached (or its objects are not loaded yet): the client should retry later. */
public class PoolUnavailableException extends RuntimeException {

    public PoolUnavailableException(String message) {
        super(message, null, false, false);
    }

    public PoolUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
