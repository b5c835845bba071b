package org.vmemperor.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

/**
 * The subset of kustomize our layout uses, rendered in Java because no kustomize runs in CI: resources (files and
 * directories with their own kustomization.yaml), images (newName/newTag), replicas, patches (a strategic merge of
 * maps, or JSON 6902 replace/add operations on targets chosen by kind and label), and the names of generated Secrets.
 * Name suffixes and label transformers are not reproduced. {@code kubectl kustomize} (v5.5) rendered the same overlays
 * when checked by hand: see deploy/README.md.
 */
final class Kustomize {

    private Kustomize() {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> render(Path dir) {
        Map<String, Object> kustomization = Manifests.load(dir.resolve("kustomization.yaml")).get(0);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object resource : list(kustomization.get("resources"))) {
            Path path = dir.resolve(resource.toString()).normalize();
            if (Files.isDirectory(path)) {
                out.addAll(render(path));
            } else {
                out.addAll(Manifests.load(path));
            }
        }
        for (Object generator : list(kustomization.get("secretGenerator"))) {
            Map<String, Object> secret = new LinkedHashMap<>();
            secret.put("apiVersion", "v1");
            secret.put("kind", "Secret");
            secret.put("metadata", new LinkedHashMap<>(Map.of("name", ((Map<?, ?>) generator).get("name"))));
            secret.put("generated", generator);
            out.add(secret);
        }
        for (Object image : list(kustomization.get("images"))) {
            Map<?, ?> rule = (Map<?, ?>) image;
            for (Map<String, Object> container : containers(out)) {
                String current = container.get("image").toString();
                String name = current.contains(":") ? current.substring(0, current.lastIndexOf(':')) : current;
                if (name.equals(rule.get("name"))) {
                    String newName = rule.get("newName") == null ? name : rule.get("newName").toString();
                    String tag = rule.get("newTag") == null ? "" : ":" + rule.get("newTag");
                    container.put("image", newName + tag);
                }
            }
        }
        for (Object replicas : list(kustomization.get("replicas"))) {
            Map<?, ?> rule = (Map<?, ?>) replicas;
            find(out, null, rule.get("name").toString()).forEach(doc -> ((Map<String, Object>) doc.get("spec"))
                    .put("replicas", rule.get("count")));
        }
        for (Object patch : list(kustomization.get("patches"))) {
            Map<?, ?> rule = (Map<?, ?>) patch;
            Path file = dir.resolve(rule.get("path").toString());
            Object content = new Yaml().load(readString(file));
            if (content instanceof List<?> operations) {
                Map<?, ?> target = (Map<?, ?>) rule.get("target");
                for (Map<String, Object> doc : out) {
                    if (matches(doc, target)) {
                        for (Object operation : operations) {
                            apply(doc, (Map<?, ?>) operation);
                        }
                    }
                }
            } else {
                Map<String, Object> merge = (Map<String, Object>) content;
                List<Map<String, Object>> targets = find(out, merge.get("kind").toString(),
                        Manifests.string(merge, "metadata", "name"));
                if (targets.isEmpty()) {
                    throw new IllegalStateException(file + " patches nothing");
                }
                targets.forEach(doc -> mergeInto(doc, merge));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> containers(List<Map<String, Object>> docs) {
        List<Map<String, Object>> containers = new ArrayList<>();
        for (Map<String, Object> doc : docs) {
            Object list = Manifests.get(doc, "spec", "template", "spec", "containers");
            if (list != null) {
                ((List<Map<String, Object>>) list).forEach(containers::add);
            }
        }
        return containers;
    }

    static List<Map<String, Object>> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind == null || kind.equals(d.get("kind")))
                .filter(d -> name.equals(Manifests.string(d, "metadata", "name"))).toList();
    }

    private static boolean matches(Map<String, Object> doc, Map<?, ?> target) {
        if (target.get("kind") != null && !target.get("kind").equals(doc.get("kind"))) {
            return false;
        }
        if (target.get("name") != null && !target.get("name").equals(Manifests.string(doc, "metadata", "name"))) {
            return false;
        }
        if (target.get("labelSelector") != null) {
            String[] pair = target.get("labelSelector").toString().split("=", 2);
            return pair[1].equals(Manifests.string(doc, "metadata", "labels", pair[0]));
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static void apply(Map<String, Object> doc, Map<?, ?> operation) {
        String op = operation.get("op").toString();
        if (!op.equals("replace") && !op.equals("add")) {
            throw new IllegalStateException("unsupported JSON 6902 operation " + op);
        }
        String[] steps = operation.get("path").toString().substring(1).split("/");
        Object node = doc;
        for (int i = 0; i < steps.length - 1; i++) {
            node = node instanceof List<?> l ? l.get(Integer.parseInt(steps[i])) : ((Map<?, ?>) node).get(steps[i]);
            if (node == null) {
                throw new IllegalStateException("no " + operation.get("path") + " in " + Manifests.string(doc,
                        "metadata", "name"));
            }
        }
        String last = steps[steps.length - 1];
        if (op.equals("replace") && !((Map<?, ?>) node).containsKey(last)) {
            throw new IllegalStateException("replace of a missing " + operation.get("path"));
        }
        ((Map<String, Object>) node).put(last, operation.get("value"));
    }

    @SuppressWarnings("unchecked")
    private static void mergeInto(Map<String, Object> target, Map<String, Object> patch) {
        patch.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map && target.get(key) instanceof Map<?, ?> existing) {
                mergeInto((Map<String, Object>) existing, (Map<String, Object>) map);
            } else {
                target.put(key, value);
            }
        });
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
