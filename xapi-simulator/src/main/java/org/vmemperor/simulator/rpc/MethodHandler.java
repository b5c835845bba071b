package org.vmemperor.simulator.rpc;

/**
 * One XenAPI method. Returns the result value, or a CompletableFuture of it for methods that wait (event.from).
 */
@FunctionalInterface
public interface MethodHandler {
    Object handle(CallContext context, Params params);
}
