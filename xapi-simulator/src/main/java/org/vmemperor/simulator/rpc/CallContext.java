package org.vmemperor.simulator.rpc;

/**
 * Who is calling and how: the session ref (empty for session-less methods) and, for an Async call, the task that
 * runs it (empty otherwise).
 */
public record CallContext(String session, String task) {
    public boolean inTask() {
        return !task.isEmpty();
    }
}
