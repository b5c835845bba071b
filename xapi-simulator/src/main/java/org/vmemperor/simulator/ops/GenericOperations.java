package org.vmemperor.simulator.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vmemperor.simulator.rpc.MethodRegistry;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.store.ClassSchema;
import org.vmemperor.simulator.store.FieldKind;
import org.vmemperor.simulator.store.ObjectStore;

/**
 * The methods every class has, generated from its schema: get_all, get_all_records, get_record, get_by_uuid,
 * get_by_name_label, get_/set_ per field, add_to_/remove_from_ per map field, add_tags/remove_tags.
 */
public final class GenericOperations {
    private final ObjectStore store;

    public GenericOperations(ObjectStore store) {
        this.store = store;
    }

    public void register(MethodRegistry methods) {
        for (ClassSchema schema : store.registry().all()) {
            register(methods, schema);
        }
    }

    private void register(MethodRegistry methods, ClassSchema schema) {
        String cls = schema.name();
        if (schema.listed()) {
            methods.query(cls + ".get_all", 0, (ctx, p) -> store.refs(cls));
            methods.query(cls + ".get_all_records", 0, (ctx, p) -> allRecords(cls));
        }
        methods.query(cls + ".get_record", 1, (ctx, p) -> store.snapshot(cls, p.str(0)));
        methods.query(cls + ".get_by_uuid", 1, (ctx, p) -> store.refOfUuid(cls, p.str(0)));
        if (schema.hasField("name_label")) {
            methods.query(cls + ".get_by_name_label", 1,
                    (ctx, p) -> store.findAllBy(cls, "name_label", p.str(0)));
        }
        for (String field : schema.fields()) {
            methods.query(cls + ".get_" + field, 1, (ctx, p) -> store.get(cls, p.str(0), field));
            if (schema.isWritable(field)) {
                methods.query(cls + ".set_" + field, 2, (ctx, p) -> {
                    store.set(cls, p.str(0), field, p.raw(1));
                    return null;
                });
                if (schema.kind(field) == FieldKind.MAP) {
                    methods.query(cls + ".add_to_" + field, 3, (ctx, p) -> {
                        if (store.map(cls, p.str(0), field).containsKey(p.str(1))) {
                            throw new XapiError("MAP_DUPLICATE_KEY", cls, field, p.str(0), p.str(1));
                        }
                        store.putInMap(cls, p.str(0), field, p.str(1), p.str(2));
                        return null;
                    });
                    methods.query(cls + ".remove_from_" + field, 2, (ctx, p) -> {
                        store.removeFromMap(cls, p.str(0), field, p.str(1));
                        return null;
                    });
                }
            }
        }
        if (schema.hasField("tags")) {
            for (String name : List.of("add_tags", "add_to_tags")) {
                methods.query(cls + "." + name, 2, (ctx, p) -> {
                    store.addToList(cls, p.str(0), "tags", p.str(1));
                    return null;
                });
            }
            for (String name : List.of("remove_tags", "remove_from_tags")) {
                methods.query(cls + "." + name, 2, (ctx, p) -> {
                    store.removeFromList(cls, p.str(0), "tags", p.str(1));
                    return null;
                });
            }
        }
    }

    private Map<String, Object> allRecords(String cls) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (String ref : store.refs(cls)) {
            result.put(ref, store.snapshot(cls, ref));
        }
        return result;
    }
}
