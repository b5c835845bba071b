package org.vmemperor.simulator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.vmemperor.simulator.http.SimulatorHttpServer;

/**
 * Failures a test switches on: slow answers, dropped connections, expired sessions and scripted XenAPI errors.
 * Thread-safe; every setting stays until {@link #clear()} except the counted ones, which are consumed.
 */
public final class Faults implements SimulatorHttpServer.FaultHooks {
    private final Runnable sessionExpirer;
    private volatile Duration latency = Duration.ZERO;
    private final Map<String, Duration> methodLatency = new ConcurrentHashMap<>();
    private final AtomicInteger connectionsToDrop = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final Map<String, Queue<List<String>>> failures = new HashMap<>();

    Faults(Runnable sessionExpirer) {
        this.sessionExpirer = sessionExpirer;
    }

    /** Every answer is delayed by this much (no thread is held while waiting). */
    public Faults latency(Duration delay) {
        this.latency = delay;
        return this;
    }

    /**
     * Calls of this method (e.g. "VM.start") are delayed; an Async call's task stays pending for that long, which
     * is also how a test gets a task it can cancel.
     */
    public Faults latency(String method, Duration delay) {
        methodLatency.put(method, delay);
        return this;
    }

    /** The next n requests have their connection closed without an answer. */
    public Faults dropConnections(int n) {
        connectionsToDrop.set(n);
        return this;
    }

    /** Every session becomes invalid at once: the next call with any of them gets SESSION_INVALID. */
    public Faults expireSessions() {
        sessionExpirer.run();
        return this;
    }

    /**
     * The next call of this method (sync or Async, e.g. "VM.start") fails with this error description, e.g.
     * failNext("VM.start", "BOOTLOADER_FAILED", "OpaqueRef:...", "Could not access ...").
     */
    public synchronized Faults failNext(String method, String... errorDescription) {
        if (errorDescription.length == 0) {
            throw new IllegalArgumentException("an error description needs at least a code");
        }
        failures.computeIfAbsent(method, m -> new ArrayDeque<>()).add(List.of(errorDescription));
        return this;
    }

    public synchronized Faults clear() {
        latency = Duration.ZERO;
        methodLatency.clear();
        connectionsToDrop.set(0);
        failures.clear();
        return this;
    }

    /** Used by the server: the delay for every answer. */
    @Override
    public Duration latency() {
        return latency;
    }

    /** Used by the server and the task manager. */
    @Override
    public Duration latencyOf(String method) {
        return methodLatency.getOrDefault(method, Duration.ZERO);
    }

    /**
     * How many calls their method's latency holds right now: a test waits for its call to be held before it acts on
     * the call's being in flight.
     */
    public int callsHeld() {
        return held.get();
    }

    /** Used by the server. */
    @Override
    public void heldCalls(int change) {
        held.addAndGet(change);
    }

    /** Used by the server: whether this request's connection is to be dropped. */
    @Override
    public boolean takeDroppedConnection() {
        return connectionsToDrop.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** Used by the dispatcher: the scripted error for this call, if any. */
    public synchronized Optional<List<String>> takeFailure(String method) {
        Queue<List<String>> queue = failures.get(method);
        return queue == null ? Optional.empty() : Optional.ofNullable(queue.poll());
    }
}
