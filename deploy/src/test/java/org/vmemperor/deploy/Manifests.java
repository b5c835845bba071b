package org.vmemperor.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Kubernetes manifests as plain maps (multi-document YAML). */
final class Manifests {

    private Manifests() {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> load(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                if (doc != null) {
                    documents.add((Map<String, Object>) doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** The value at a path of keys, or null when any step is missing. */
    @SuppressWarnings("unchecked")
    static Object get(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = ((Map<String, Object>) map).get(key);
        }
        return current;
    }

    static String string(Object node, String... keys) {
        Object value = get(node, keys);
        return value == null ? null : value.toString();
    }
}
