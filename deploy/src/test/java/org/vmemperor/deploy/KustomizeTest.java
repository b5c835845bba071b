package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmemperor.deploy.RouteTable.Route;

/**
 * The Kubernetes overlays rendered (by {@link Kustomize}) and checked as a cluster would need them: a Deployment and a
 * Service per service, probes, resources, a non-root read-only container, the Secrets they reference, images, and the
 * Ingress carrying the route table. No cluster runs here: what a cluster would still have to show is listed in
 * deploy/README.md.
 */
class KustomizeTest {

    /** Secrets the operator creates (deploy/README.md); the dev overlay generates all but the TLS certificate. */
    private static final Set<String> EXTERNAL_SECRETS = Set.of("vmemperor-pool", "vmemperor-database",
            "vmemperor-token-keys", "vmemperor-guest-ssh", "vmemperor-tls");

    @ParameterizedTest
    @ValueSource(strings = { "jvm", "native", "dev" })
    @SuppressWarnings("unchecked")
    void overlayRendersTheSuite(String overlay) {
        List<Map<String, Object>> docs = Kustomize.render(ModuleFiles.path("kubernetes/overlays/" + overlay));
        String tagSuffix = overlay.equals("native") ? "-native" : "-jvm";
        for (String service : RouteTable.SERVICES) {
            String name = "vmemperor-" + service;
            Map<String, Object> deployment = single(Kustomize.find(docs, "Deployment", name), name);
            Map<String, Object> svc = single(Kustomize.find(docs, "Service", name), name);
            Map<String, Object> pod = (Map<String, Object>) Manifests.get(deployment, "spec", "template");
            Map<String, Object> podLabels = (Map<String, Object>) Manifests.get(pod, "metadata", "labels");
            assertThat(podLabels).as(name + " pods carry the Service's selector")
                    .containsAllEntriesOf((Map<String, Object>) Manifests.get(svc, "spec", "selector"));
            assertThat(podLabels).containsAllEntriesOf(
                    (Map<String, Object>) Manifests.get(deployment, "spec", "selector", "matchLabels"));
            assertThat(Manifests.get(svc, "spec", "ports")).asString().contains("name=http", "targetPort=http");

            assertThat(Manifests.get(pod, "spec", "securityContext", "runAsNonRoot")).as(name).isEqualTo(true);
            assertThat(Manifests.get(pod, "spec", "automountServiceAccountToken")).isEqualTo(false);
            List<Map<String, Object>> containers = (List<Map<String, Object>>) Manifests.get(pod, "spec", "containers");
            assertThat(containers).hasSize(1);
            Map<String, Object> c = containers.get(0);
            assertThat(c.get("image")).as(name + " image").isEqualTo("vmemperor/" + service + "-service:0.1.0" + tagSuffix);
            assertThat(Manifests.string(c, "readinessProbe", "httpGet", "path")).isEqualTo("/q/health/ready");
            assertThat(Manifests.string(c, "livenessProbe", "httpGet", "path")).isEqualTo("/q/health/live");
            assertThat(Manifests.string(c, "readinessProbe", "httpGet", "port")).isEqualTo("http");
            assertThat(Manifests.get(c, "ports")).asString().contains("name=http", "containerPort=8080");
            for (String kind : List.of("requests", "limits")) {
                assertThat((Map<String, Object>) Manifests.get(c, "resources", kind)).as(name + " " + kind)
                        .containsKeys("cpu", "memory");
            }
            assertThat(Manifests.get(c, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
            assertThat(Manifests.get(c, "securityContext", "readOnlyRootFilesystem")).as(name).isEqualTo(true);
            assertThat(Manifests.get(c, "securityContext", "capabilities", "drop")).asList().containsExactly("ALL");
            assertThat(volumeMountPaths(c)).as(name + " a writable /tmp on a read-only root").contains("/tmp");

            Map<String, String> env = env(c);
            assertThat(env).containsKeys("VMEMPEROR_XENAPI_PASSWORD", "DB_PASSWORD",
                    "VMEMPEROR_SECURITY_PUBLIC_KEY_LOCATION");
            assertThat(env.containsKey("VMEMPEROR_SECURITY_PRIVATE_KEY_LOCATION")).as(name + " holds the signing key")
                    .isEqualTo(service.equals("access"));
            assertThat(keyFiles(pod)).as(name + " key files").isEqualTo(service.equals("access")
                    ? Set.of("private.pem", "public.pem")
                    : Set.of("public.pem"));
            assertThat((List<Object>) c.get("envFrom")).asString().contains("vmemperor-config");
            // the guests' SSH key: playbook-service logs in with the private half, vm-service's installs authorize
            // the public half, no other service sees either
            assertThat(secretFiles(pod, "vmemperor-guest-ssh")).as(name + " guest SSH key files").isEqualTo(
                    switch (service) {
                        case "playbook" -> Set.of("id_ed25519");
                        case "vm" -> Set.of("id_ed25519.pub");
                        default -> Set.of();
                    });
            if (service.equals("playbook")) {
                assertThat(env).containsEntry("VMEMPEROR_PLAYBOOKS_SSH_PRIVATE_KEY_FILE",
                        "/etc/vmemperor/guest-ssh/id_ed25519");
                // the root filesystem is read-only: the run logs need a mounted volume
                assertThat(volumeMountPaths(c)).contains(env.get("VMEMPEROR_PLAYBOOKS_LOGS_DIR"));
            }
            if (service.equals("vm")) {
                assertThat(env).containsEntry("VMEMPEROR_INSTALL_SSH_PUBLIC_KEY_FILE",
                        "/etc/vmemperor/guest-ssh/id_ed25519.pub");
            }
        }

        Map<String, Object> config = single(Kustomize.find(docs, "ConfigMap", "vmemperor-config"), "vmemperor-config");
        assertThat((Map<String, Object>) config.get("data")).containsKeys("VMEMPEROR_XENAPI_URL", "DB_URL", "DB_USER",
                "VMEMPEROR_PUBLIC_URL", "VMEMPEROR_PLAYBOOKS_NETWORKS").containsEntry("VMEMPEROR_SECURITY_DEV_KEYS", "false");

        Set<String> referenced = secretsReferenced(docs);
        Set<String> rendered = docs.stream().filter(d -> "Secret".equals(d.get("kind")))
                .map(d -> Manifests.string(d, "metadata", "name")).collect(Collectors.toSet());
        assertThat(referenced).as("every Secret referenced is rendered or created by the operator (README)")
                .allMatch(s -> rendered.contains(s) || EXTERNAL_SECRETS.contains(s));
        if (overlay.equals("dev")) {
            assertThat(rendered).contains("vmemperor-pool", "vmemperor-database", "vmemperor-token-keys",
                    "vmemperor-guest-ssh");
            Map<String, Object> postgres = single(Kustomize.find(docs, "StatefulSet", "vmemperor-postgres"), "postgres");
            assertThat(Manifests.get(postgres, "spec", "replicas")).isEqualTo(1);
            assertThat((String) Manifests.get(config, "data", "DB_URL")).contains("//vmemperor-postgres:5432/");
            assertThat(Kustomize.find(docs, "Service", "vmemperor-postgres")).hasSize(1);
            assertThat(Kustomize.find(docs, "Deployment", "vmemperor-vm").get(0)).extracting(
                    d -> Manifests.get(d, "spec", "replicas")).isEqualTo(1);
        } else {
            assertThat(rendered).as("production overlays carry no secret").isEmpty();
            assertThat(Kustomize.find(docs, "StatefulSet", "vmemperor-postgres")).isEmpty();
        }

        // the Ingress survives the overlay with the route table intact
        List<IngressRules.Rule> rules = IngressRules.of(docs);
        RouteTable table = RouteTable.load();
        assertThat(rules).extracting(IngressRules.Rule::path)
                .containsExactlyInAnyOrderElementsOf(table.routes().stream().map(Route::path).toList());
        rules.forEach(rule -> assertThat(Kustomize.find(docs, "Service", rule.serviceName())).as(rule.path())
                .hasSize(1));
    }

    private static Map<String, Object> single(List<Map<String, Object>> found, String what) {
        assertThat(found).as(what).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> container) {
        return ((List<Map<String, Object>>) container.get("env")).stream().collect(Collectors.toMap(
                e -> e.get("name").toString(), e -> String.valueOf(e.get("value"))));
    }

    @SuppressWarnings("unchecked")
    private static List<String> volumeMountPaths(Map<String, Object> container) {
        return ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                .map(m -> m.get("mountPath").toString()).toList();
    }

    private static Set<String> keyFiles(Map<String, Object> pod) {
        return secretFiles(pod, "vmemperor-token-keys");
    }

    /** The files of that Secret the pod's volumes hold (every secret volume lists its items). */
    @SuppressWarnings("unchecked")
    private static Set<String> secretFiles(Map<String, Object> pod, String secret) {
        return ((List<Map<String, Object>>) Manifests.get(pod, "spec", "volumes")).stream()
                .filter(v -> secret.equals(Manifests.string(v, "secret", "secretName")))
                .flatMap(v -> ((List<Map<String, Object>>) Manifests.get(v, "secret", "items")).stream())
                .map(item -> item.get("path").toString()).collect(Collectors.toSet());
    }

    /** Names of Secrets referenced anywhere (secretKeyRef, secret volumes, Ingress TLS). */
    private static Set<String> secretsReferenced(Object node) {
        List<String> names = new ArrayList<>();
        collect(node, names);
        return Set.copyOf(names);
    }

    private static void collect(Object node, List<String> names) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (key.equals("secretKeyRef") || key.equals("secret")) {
                    Object name = ((Map<?, ?>) value).get(key.equals("secret") ? "secretName" : "name");
                    if (name != null) {
                        names.add(name.toString());
                    }
                } else if (key.equals("secretName") && value instanceof String s) {
                    names.add(s);
                }
                collect(value, names);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, names));
        }
    }
}
