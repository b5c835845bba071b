package org.vmemperor.playbook.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every playbook shipped in the repository's {@code ansible/} folder has a valid {@code vmemperor.conf} and passes
 * {@code ansible-playbook --syntax-check} (which reads the files and connects nowhere). Only user-ssh-key is run by
 * the tests: the others would change the machine the tests run on.
 */
class ShippedPlaybooksTest {

    private static final Path SHIPPED = Path.of("..", "ansible").toAbsolutePath().normalize();

    @Test
    void everyShippedPlaybookIsValid(@TempDir Path ansibleHome) throws Exception {
        List<Path> folders;
        try (Stream<Path> entries = Files.list(SHIPPED)) {
            folders = entries.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(folders).extracting(folder -> folder.getFileName().toString()).contains("nginx-webserver",
                "user-ssh-key");
        for (Path folder : folders) {
            Playbook playbook = PlaybookCatalog.parse(folder.getFileName().toString(), folder);
            assertThat(playbook.name()).isNotBlank();
            assertThat(playbook.inventory()).as("shipped playbooks run on the caller's VMs").isEmpty();
            ProcessBuilder check = new ProcessBuilder("ansible-playbook", "--syntax-check", "-i", "127.0.0.1,",
                    playbook.playbook()).directory(folder.toFile()).redirectErrorStream(true);
            check.environment().put("ANSIBLE_HOME", ansibleHome.toString());
            check.environment().put("ANSIBLE_LOCAL_TEMP", ansibleHome.resolve("tmp").toString());
            Process process = check.start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as(folder + ": " + output).isZero();
        }
    }
}
