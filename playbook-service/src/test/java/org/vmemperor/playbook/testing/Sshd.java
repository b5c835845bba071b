package org.vmemperor.playbook.testing;

import java.nio.file.Path;

/**
 * What {@link SshdResource} set up: an sshd on 127.0.0.1 standing in for the VMs, and the directories the service
 * under test uses.
 *
 * @param port the sshd's port (also {@code vmemperor.playbooks.ssh-port})
 * @param clientPublicKey the public half of the key runs log in with
 * @param playbooks the playbook directory (the shipped user-ssh-key playbook and the test playbooks)
 * @param logs the logs directory
 * @param work the runs' working directories
 * @param scratch a directory for the test's own files
 */
public record Sshd(int port, String clientPublicKey, Path playbooks, Path logs, Path work, Path scratch) {
}
