package org.vmemperor.simulator.ops;

import org.vmemperor.simulator.event.EventService;
import org.vmemperor.simulator.rpc.MethodRegistry;
import org.vmemperor.simulator.rpc.MethodSpec;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.store.ObjectStore;
import org.vmemperor.simulator.task.TaskManager;

/** task.cancel/destroy and event.from/inject/get_current_id. */
public final class TaskAndEventOperations {
    private final ObjectStore store;
    private final TaskManager tasks;
    private final EventService events;

    public TaskAndEventOperations(ObjectStore store, TaskManager tasks, EventService events) {
        this.store = store;
        this.tasks = tasks;
        this.events = events;
    }

    public void register(MethodRegistry methods) {
        methods.query("task.cancel", 1, (ctx, p) -> {
            tasks.cancel(p.str(0));
            return null;
        });
        methods.query("task.destroy", 1, (ctx, p) -> {
            store.live("task", p.str(0));
            store.destroy("task", p.str(0));
            return null;
        });
        // not locking: event.from waits on a future, never inside the store's monitor
        methods.register(new MethodSpec("event.from", 3, 3, true, false, false,
                (ctx, p) -> events.from(p.strings(0), p.str(1), p.dbl(2))));
        methods.query("event.inject", 2, (ctx, p) -> {
            String cls = store.registry().findIgnoringCase(p.str(0))
                    .orElseThrow(() -> new XapiError("HANDLE_INVALID", p.str(0), p.str(1))).name();
            return events.inject(cls, p.str(1));
        });
        methods.query("event.get_current_id", 0, (ctx, p) -> store.events().lastId());
    }
}
