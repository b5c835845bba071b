package org.vmemperor.simulator.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vmemperor.simulator.ops.InstalledSystems;
import org.vmemperor.simulator.ops.OsInfo;
import org.vmemperor.simulator.rpc.WireTime;
import org.vmemperor.simulator.store.ClassSchema;
import org.vmemperor.simulator.store.ObjectStore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The pool saved as JSON, so a simulator restarted on the same file keeps its VMs. Sessions are not saved: a
 * restart logs everyone out, as a toolstack restart does. Field types come back through the schema.
 */
public final class StateFile {
    private final Path path;
    private final ObjectMapper mapper = new ObjectMapper();

    /** What the file holds. */
    public record Saved(long lastEventId, Map<String, Map<String, Map<String, Object>>> objects,
            Map<String, OsInfo> installed) {
    }

    public StateFile(Path path) {
        this.path = path;
    }

    public boolean exists() {
        return Files.isRegularFile(path);
    }

    public void save(ObjectStore store, InstalledSystems systems) throws IOException {
        Saved saved = store.atomically(() -> {
            Map<String, Map<String, Map<String, Object>>> objects = new LinkedHashMap<>();
            for (ClassSchema schema : store.registry().all()) {
                if ("session".equals(schema.name())) {
                    continue;
                }
                Map<String, Map<String, Object>> table = new LinkedHashMap<>();
                for (String ref : store.refs(schema.name())) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> record = (Map<String, Object>) plain(store.snapshot(schema.name(), ref));
                    table.put(ref, record);
                }
                objects.put(schema.name(), table);
            }
            return new Saved(store.events().lastId(), objects, systems.all());
        });
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        mapper.writeValue(temporary.toFile(), saved);
        // a crash while writing must not leave half a pool behind
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public void load(ObjectStore store, InstalledSystems systems) throws IOException {
        Saved saved = mapper.readValue(path.toFile(), new TypeReference<Saved>() {
        });
        store.atomically(() -> {
            saved.objects().forEach((cls, table) -> {
                if (store.registry().find(cls).isPresent()) {
                    table.forEach((ref, record) -> store.create(cls, ref, record));
                }
            });
            store.events().resumeAt(saved.lastEventId());
        });
        systems.replaceAll(saved.installed() == null ? Map.of() : saved.installed());
    }

    /** Instants as compact strings: the schema turns them back into dates on load. */
    private static Object plain(Object value) {
        if (value instanceof Instant instant) {
            return WireTime.format(instant);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(String.valueOf(k), plain(v)));
            return result;
        }
        if (value instanceof Collection<?> list) {
            List<Object> result = new ArrayList<>();
            list.forEach(item -> result.add(plain(item)));
            return result;
        }
        return value;
    }
}
