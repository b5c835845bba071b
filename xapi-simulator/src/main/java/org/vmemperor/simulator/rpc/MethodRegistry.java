package org.vmemperor.simulator.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Method name to handler. A later registration of the same name replaces the generic one. */
public final class MethodRegistry {
    private final Map<String, MethodSpec> methods = new TreeMap<>();

    /** A read or a setter: session, fixed count, no Async form. */
    public void query(String name, int count, MethodHandler handler) {
        methods.put(name, new MethodSpec(name, count, count, true, false, true, handler));
    }

    /** An operation that xapi also offers as Async.<name>. */
    public void action(String name, int count, MethodHandler handler) {
        action(name, count, count, handler);
    }

    public void action(String name, int required, int max, MethodHandler handler) {
        methods.put(name, new MethodSpec(name, required, max, true, true, true, handler));
    }

    public void register(MethodSpec spec) {
        methods.put(spec.name(), spec);
    }

    public Optional<MethodSpec> find(String name) {
        return Optional.ofNullable(methods.get(name));
    }

    public boolean contains(String name) {
        return methods.containsKey(name);
    }

    /** Every callable name, Async forms included, as system.listMethods reports them. */
    public List<String> names() {
        List<String> names = new ArrayList<>(methods.keySet());
        methods.values().stream().filter(MethodSpec::asyncable).forEach(spec -> names.add("Async." + spec.name()));
        names.add(Dispatcher.LIST_METHODS);
        names.sort(String::compareTo);
        return names;
    }
}
