package org.vmemperor.simulator.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jboss.logging.Logger;
import org.vmemperor.simulator.rpc.CallContext;
import org.vmemperor.simulator.rpc.MethodSpec;
import org.vmemperor.simulator.rpc.Params;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.rpc.XmlRpcCodec;
import org.vmemperor.simulator.store.ObjectStore;

/**
 * Runs Async.* calls as xapi does: a task object is created pending at once, the operation runs on a worker and
 * the task ends success (result as a serialized XML-RPC value), failure (error_info) or cancelled.
 */
public final class TaskManager {
    private static final Logger LOG = Logger.getLogger(TaskManager.class);
    /** VM operations that mark the VM busy while their task runs, so concurrent ones see OTHER_OPERATION_IN_PROGRESS. */
    private static final List<String> VM_BUSY_OPS = List.of("start", "start_on", "clean_shutdown", "hard_shutdown",
            "shutdown", "clean_reboot", "hard_reboot", "suspend", "resume", "pause", "unpause", "clone", "copy",
            "provision", "destroy");

    private final ObjectStore store;
    private final ScheduledExecutorService workers;
    private final Function<String, Duration> latencyOf;
    private final XmlRpcCodec codec = new XmlRpcCodec();
    /** Task ref to the VM it keeps busy. */
    private final Map<String, String> busyVms = new ConcurrentHashMap<>();

    public TaskManager(ObjectStore store, ScheduledExecutorService workers, Function<String, Duration> latencyOf) {
        this.store = store;
        this.workers = workers;
        this.latencyOf = latencyOf;
    }

    /** Creates the task and schedules the operation; returns the task ref at once. */
    public String submit(MethodSpec spec, String session, Params params) {
        String wireName = "Async." + spec.name();
        String task = store.atomically(() -> {
            String ref = store.create("task", Map.of("name_label", wireName, "status", "pending", "progress", 0.0,
                    "created", Instant.now(), "allowed_operations", List.of("cancel"), "resident_on",
                    store.refs("host").isEmpty() ? ObjectStore.NULL_REF : store.refs("host").get(0)));
            markBusy(spec, params, ref);
            return ref;
        });
        long delay = latencyOf.apply(spec.name()).toMillis();
        workers.schedule(() -> run(spec, new CallContext(session, task), params), delay, TimeUnit.MILLISECONDS);
        return task;
    }

    private void run(MethodSpec spec, CallContext context, Params params) {
        store.atomically(() -> {
            String task = context.task();
            if (!store.exists("task", task) || !"pending".equals(store.str("task", task, "status"))) {
                return; // cancelled or destroyed while it waited
            }
            try {
                Object result = spec.handler().handle(context, params);
                store.update("task", task, Map.of("progress", 1.0, "status", "success", "finished", Instant.now(),
                        "result", result == null ? "" : codec.value(result), "allowed_operations", List.of()));
            } catch (XapiError error) {
                fail(task, error.description());
            } catch (RuntimeException bug) {
                LOG.errorf(bug, "%s failed inside the simulator", spec.name());
                fail(task, List.of("INTERNAL_ERROR", String.valueOf(bug.getMessage())));
            } finally {
                unmarkBusy(task);
            }
        });
    }

    private void fail(String task, List<String> description) {
        store.update("task", task, Map.of("progress", 1.0, "status", "failure", "finished", Instant.now(),
                "error_info", description, "allowed_operations", List.of()));
    }

    /** task.cancel: a pending task ends cancelled; a finished one is left as it is. */
    public void cancel(String task) {
        store.atomically(() -> {
            store.live("task", task);
            if ("pending".equals(store.str("task", task, "status"))) {
                store.update("task", task, Map.of("status", "cancelled", "finished", Instant.now(), "error_info",
                        List.of("TASK_CANCELLED", task), "allowed_operations", List.of()));
                unmarkBusy(task);
            }
        });
    }

    private void markBusy(MethodSpec spec, Params params, String task) {
        if (spec.name().startsWith("VM.") && params.size() > 0) {
            String op = spec.name().substring(3);
            String vm = params.str(0);
            if (VM_BUSY_OPS.contains(op) && store.exists("VM", vm)) {
                store.putInMap("VM", vm, "current_operations", task, op);
                busyVms.put(task, vm);
            }
        }
    }

    private void unmarkBusy(String task) {
        String vm = busyVms.remove(task);
        if (vm != null && store.exists("VM", vm)) {
            store.removeFromMap("VM", vm, "current_operations", task);
        }
    }
}
