package org.vmemperor.simulator.rpc;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.jboss.logging.Logger;
import org.vmemperor.simulator.store.ObjectStore;
import org.vmemperor.simulator.task.TaskManager;

/**
 * Method name to handler, with xapi's checks in xapi's order: known method, parameter count, scripted fault,
 * session; then the handler inside the store's monitor, or a task for an Async call.
 */
public final class Dispatcher {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    public static final String LIST_METHODS = "system.listMethods";
    private static final String ASYNC = "Async.";

    /** What the codecs send: the value, and whether it goes without the Status/Value wrapper. */
    public record Reply(Object value, boolean bare) {
    }

    private final MethodRegistry methods;
    private final ObjectStore store;
    private final TaskManager tasks;
    private final Function<String, Optional<List<String>>> scriptedFailures;

    public Dispatcher(MethodRegistry methods, ObjectStore store, TaskManager tasks,
            Function<String, Optional<List<String>>> scriptedFailures) {
        this.methods = methods;
        this.store = store;
        this.tasks = tasks;
        this.scriptedFailures = scriptedFailures;
    }

    /** Never throws: every failure, XenAPI or not, completes the future exceptionally with an XapiError. */
    public CompletableFuture<Reply> dispatch(RpcCall call) {
        try {
            return execute(call);
        } catch (XapiError error) {
            return CompletableFuture.failedFuture(error);
        } catch (RuntimeException bug) {
            LOG.errorf(bug, "%s failed inside the simulator", call.method());
            return CompletableFuture
                    .failedFuture(new XapiError("INTERNAL_ERROR", String.valueOf(bug.getMessage())));
        }
    }

    private CompletableFuture<Reply> execute(RpcCall call) {
        if (LIST_METHODS.equals(call.method())) {
            return CompletableFuture.completedFuture(new Reply(methods.names(), true));
        }
        boolean async = call.method().startsWith(ASYNC);
        String name = canonical(async ? call.method().substring(ASYNC.length()) : call.method());
        MethodSpec spec = methods.find(name).filter(s -> !async || s.asyncable())
                .orElseThrow(() -> new XapiError("MESSAGE_METHOD_UNKNOWN", call.method()));
        List<Object> raw = call.params();
        int offset = spec.session() ? 1 : 0;
        int received = Math.max(0, raw.size() - offset);
        if (raw.size() < offset || received < spec.required() || received > spec.max()) {
            throw new XapiError("MESSAGE_PARAMETER_COUNT_MISMATCH", name, Integer.toString(spec.max()),
                    Integer.toString(received));
        }
        Optional<List<String>> scripted = scriptedFailures.apply(name);
        if (scripted.isPresent()) {
            throw new XapiError(scripted.get());
        }
        String session = spec.session() ? String.valueOf(raw.get(0)) : "";
        if (spec.session() && !store.exists("session", session)) {
            throw new XapiError("SESSION_INVALID", session);
        }
        Params params = new Params(raw.subList(offset, raw.size()));
        if (async) {
            return CompletableFuture.completedFuture(new Reply(tasks.submit(spec, session, params), false));
        }
        CallContext context = new CallContext(session, "");
        Object result = spec.locking() ? store.atomically(() -> spec.handler().handle(context, params))
                : spec.handler().handle(context, params);
        if (result instanceof CompletionStage<?> pending) {
            return pending.toCompletableFuture().thenApply(value -> new Reply(value, false));
        }
        return CompletableFuture.completedFuture(new Reply(result, false));
    }

    /**
     * xapi also accepts {@code VM_start} for {@code VM.start}; class names contain underscores themselves
     * (VM_guest_metrics), so the longest known class prefix wins.
     */
    private String canonical(String method) {
        if (method.indexOf('.') >= 0) {
            return method;
        }
        String best = null;
        for (String cls : store.registry().names()) {
            if (method.startsWith(cls + "_") && (best == null || cls.length() > best.length())) {
                best = cls;
            }
        }
        for (String extra : List.of("event", "system")) {
            if (best == null && method.startsWith(extra + "_")) {
                best = extra;
            }
        }
        return best == null ? method : best + "." + method.substring(best.length() + 1);
    }
}
