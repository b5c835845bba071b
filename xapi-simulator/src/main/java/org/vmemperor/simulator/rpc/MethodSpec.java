package org.vmemperor.simulator.rpc;

/**
 * A method's contract: parameter counts exclude the session; {@code asyncable} methods also exist as Async.X.y;
 * {@code locking} methods run inside the store's monitor (event.from manages its own waiting instead).
 */
public record MethodSpec(String name, int required, int max, boolean session, boolean asyncable, boolean locking,
        MethodHandler handler) {
}
