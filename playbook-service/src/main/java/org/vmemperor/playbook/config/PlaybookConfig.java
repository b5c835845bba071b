package org.vmemperor.playbook.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Playbooks: where they live, where runs work and log, which guests they may reach, and how many run at once. */
@ConfigMapping(prefix = "vmemperor.playbooks")
public interface PlaybookConfig {

    /**
     * The playbook directory: one folder per playbook (its id) holding a {@code vmemperor.conf} and the Ansible files.
     * Read again whenever it changes. The default is the {@code ansible} folder of the working directory, where the
     * repository keeps the shipped playbooks.
     */
    @WithDefault("ansible")
    Path dir();

    /** Where each run's {@code stdout} and {@code stderr} are kept, in a folder named after its task id. */
    @WithDefault("ansible-logs")
    Path logsDir();

    /**
     * Where runs get their private working directories (mode 0700, removed when the run ends; leftovers of a crash are
     * removed at the next start). Created with mode 0700 if missing.
     */
    @WithDefault("${java.io.tmpdir}/vmemperor-playbooks")
    Path workDir();

    /**
     * The networks (CIDRs, e.g. {@code 10.0.0.0/8}, {@code 127.0.0.0/8}) playbooks may connect to. A VM whose guest
     * address lies outside every one of them is left out of the run with a warning ({@code notallowed}), never
     * contacted. Unset: no network is allowed and every run is refused.
     */
    Optional<List<String>> networks();

    /**
     * The SSH private key runs log in with as root: the key whose public half unattended installs put into root's
     * {@code authorized_keys} ({@code vmemperor.install.ssh-public-key-file}, default {@code ~/.ssh/id_rsa.pub}).
     */
    @WithDefault("${user.home}/.ssh/id_rsa")
    Path sshPrivateKeyFile();

    /** The SSH port of the guests. */
    @WithDefault("22")
    int sshPort();

    /** The {@code ansible-playbook} executable (a name looked up in {@code PATH}, or a path). */
    @WithDefault("ansible-playbook")
    String ansiblePlaybook();

    /** How long one run may take before {@code ansible-playbook} (and everything it started) is killed. */
    @WithDefault("1h")
    Duration timeout();

    /** How many runs this replica executes at once; further runs wait in state {@code queued}. */
    @WithDefault("2")
    int maxConcurrentRuns();

    /** How many runs may wait on this replica; beyond that /executeplaybook answers 503 with Retry-After. */
    @WithDefault("100")
    int maxQueuedRuns();

    /**
     * This replica's name in the run table. A replica that starts marks the unfinished runs of its own name failed
     * (they died with its previous life). Default: the host name; replicas sharing a host need distinct names.
     */
    Optional<String> nodeName();

    /** How often this replica tells the database its runs are alive (and looks for runs whose replica died). */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** A run whose replica has not written its heartbeat for this long is taken for interrupted and marked failed. */
    @WithDefault("2m")
    Duration staleAfter();
}
