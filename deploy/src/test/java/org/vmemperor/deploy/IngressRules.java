package org.vmemperor.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The path rules of every Ingress in a manifest file, as ingress-nginx would read them. */
final class IngressRules {

    /** WebSocket sessions (a console, the /vmlist feed) must outlive ingress-nginx's default 60 s read timeout. */
    static final int LONG_TIMEOUT_SECONDS = 3600;

    record Rule(String ingress, String path, String pathType, String serviceName, String servicePort,
            boolean longTimeouts, String tlsSecret) {
    }

    private IngressRules() {
    }

    static List<Rule> load(Path file) {
        return of(Manifests.load(file));
    }

    @SuppressWarnings("unchecked")
    static List<Rule> of(List<Map<String, Object>> documents) {
        List<Rule> rules = new ArrayList<>();
        for (Map<String, Object> doc : documents) {
            if (!"Ingress".equals(doc.get("kind"))) {
                continue;
            }
            String name = Manifests.string(doc, "metadata", "name");
            Map<String, Object> annotations = (Map<String, Object>) Manifests.get(doc, "metadata", "annotations");
            boolean longTimeouts = annotations != null
                    && seconds(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout")) >= LONG_TIMEOUT_SECONDS
                    && seconds(annotations.get("nginx.ingress.kubernetes.io/proxy-send-timeout")) >= LONG_TIMEOUT_SECONDS;
            List<Map<String, Object>> tls = (List<Map<String, Object>>) Manifests.get(doc, "spec", "tls");
            String tlsSecret = tls == null || tls.isEmpty() ? null : (String) tls.get(0).get("secretName");
            for (Map<String, Object> rule : (List<Map<String, Object>>) Manifests.get(doc, "spec", "rules")) {
                for (Map<String, Object> path : (List<Map<String, Object>>) Manifests.get(rule, "http", "paths")) {
                    Object port = Manifests.get(path, "backend", "service", "port", "name");
                    rules.add(new Rule(name, (String) path.get("path"), (String) path.get("pathType"),
                            Manifests.string(path, "backend", "service", "name"), port == null ? null : port.toString(),
                            longTimeouts, tlsSecret));
                }
            }
        }
        return rules;
    }

    private static int seconds(Object value) {
        return value == null ? 0 : Integer.parseInt(value.toString());
    }
}
