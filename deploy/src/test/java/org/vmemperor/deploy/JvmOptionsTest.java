package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way deploy/ runs a service passes {@code -Dvertx.disableURIValidation=true}: without it Quarkus answers a
 * request target that {@code java.net.URI} refuses with an empty 400 before common's RequestLimits can answer with the
 * suite's JSON error (common/README.md; the standalone sets it in its main). SplitSuiteIT checks the answer through the
 * ingress; this test checks the systemd units, the split-suite script, the images and the Kubernetes overlays. The JVM
 * ones start it through bin/vmemperor-run (the class-data archive), which passes JAVA_OPTS and JAVA_OPTS_APPEND on.
 */
class JvmOptionsTest {

    static final String OPTION = "-Dvertx.disableURIValidation=true";

    @Test
    void systemdUnitsPassTheOption() throws IOException {
        List<String> jvm = Files.readAllLines(ModuleFiles.path("systemd/vmemperor-jvm@.service"));
        assertThat(line(jvm, "Environment=\"JAVA_OPTS=")).contains(OPTION);
        // the launcher (bin/vmemperor-run) reads JAVA_OPTS from the environment
        assertThat(line(jvm, "ExecStart=")).startsWith("ExecStart=/opt/vmemperor/bin/vmemperor-run ");
        List<String> nativeUnit = Files.readAllLines(ModuleFiles.path("systemd/vmemperor-native@.service"));
        assertThat(line(nativeUnit, "ExecStart=")).contains(OPTION);
    }

    /** The option is on the java command line itself, not in the default of VMEMPEROR_JAVA_OPTS a caller replaces. */
    @Test
    void splitSuiteScriptPassesTheOption() throws IOException {
        String script = Files.readString(ModuleFiles.path("local/split-suite.sh"));
        String command = script.substring(script.indexOf("        JAVA_OPTS=\"${VMEMPEROR_JAVA_OPTS"));
        command = command.substring(0, command.indexOf("&\n"));
        assertThat(command.substring(command.indexOf('}'))).contains(OPTION + "\"")
                .contains("\"$ROOT/bin/vmemperor-run\" \"$jar\"");
    }

    @Test
    void imagesPassTheOption() throws IOException {
        for (String service : RouteTable.SERVICES) {
            Path docker = ModuleFiles.repositoryRoot().resolve(service + "-service/src/main/docker");
            List<String> jvm = Files.readAllLines(docker.resolve("Dockerfile.jvm"));
            assertThat(line(jvm, "ENV JAVA_OPTS_APPEND=")).as(service + " Dockerfile.jvm").contains(OPTION);
            // the launcher reads JAVA_OPTS_APPEND (as run-java.sh did)
            assertThat(line(jvm, "ENTRYPOINT ")).as(service + " Dockerfile.jvm")
                    .contains("\"/deployments/vmemperor-run\", \"/deployments/quarkus-run.jar\"");
            assertThat(line(Files.readAllLines(docker.resolve("Dockerfile.native")), "ENTRYPOINT "))
                    .as(service + " Dockerfile.native").contains("\"" + OPTION + "\"");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "jvm", "native", "dev" })
    @SuppressWarnings("unchecked")
    void kubernetesPassesTheOption(String overlay) {
        List<Map<String, Object>> docs = Kustomize.render(ModuleFiles.path("kubernetes/overlays/" + overlay));
        Map<String, Object> config = Kustomize.find(docs, "ConfigMap", "vmemperor-config").get(0);
        Object javaOptsAppend = Manifests.get(config, "data", "JAVA_OPTS_APPEND");
        for (String service : RouteTable.SERVICES) {
            Map<String, Object> deployment = Kustomize.find(docs, "Deployment", "vmemperor-" + service).get(0);
            Map<String, Object> container = ((List<Map<String, Object>>) Manifests.get(deployment, "spec", "template",
                    "spec", "containers")).get(0);
            if (overlay.equals("native")) {
                assertThat((List<Object>) container.get("args")).as(service + " native args").contains(OPTION);
            } else {
                // the launcher appends JAVA_OPTS_APPEND; the ConfigMap's replaces the image's, so it keeps its options
                assertThat((List<Object>) container.get("envFrom")).asString().contains("vmemperor-config");
                assertThat(Arrays.asList(String.valueOf(javaOptsAppend).split("\\s+"))).as(service + " JAVA_OPTS_APPEND")
                        .contains(OPTION, "-Dquarkus.http.host=0.0.0.0",
                                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
            }
        }
    }

    private static String line(List<String> lines, String prefix) {
        List<String> found = lines.stream().filter(l -> l.startsWith(prefix)).toList();
        assertThat(found).as("one line starting with " + prefix).hasSize(1);
        return found.get(0);
    }
}
