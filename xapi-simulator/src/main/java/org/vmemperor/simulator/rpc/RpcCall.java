package org.vmemperor.simulator.rpc;

import java.util.List;

/** A decoded request: the method name as sent and its parameters (session first where the method takes one). */
public record RpcCall(String method, List<Object> params) {
}
