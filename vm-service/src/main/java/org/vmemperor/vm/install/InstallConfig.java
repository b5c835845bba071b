package org.vmemperor.vm.install;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Unattended installs: default mirrors, what every installed system gets (the playbooks' SSH key), how long the
 * one-time answer-file link lives and how long an install may take. The base URL the VMs reach vm-service at is
 * {@link PublicUrlConfig} ({@code vmemperor.public-url}).
 */
@ConfigMapping(prefix = "vmemperor.install")
public interface InstallConfig {

    /**
     * How long a one-time {@code /autoinstall/<token>} link stays valid after it was issued. The installer fetches it
     * within a minute or two of the VM's start; a short life limits what a leaked link is worth.
     */
    @WithDefault("1h")
    Duration tokenTtl();

    /**
     * How long after the VM started the installer may take to fetch its answer file before the install is reported
     * failed (a VM that cannot reach {@code vmemperor.public-url} hangs in the installer forever).
     */
    @WithDefault("15m")
    Duration fetchTimeout();

    /** How long an install may run, from the VM's start to its power-off, before it is reported failed. */
    @WithDefault("2h")
    Duration installTimeout();

    /**
     * How often every replica scans the task table for installs in progress (and so picks them up after a restart);
     * between scans the VMs' power changes from the event feed drive the watcher.
     */
    @WithDefault("10s")
    Duration watchInterval();

    /**
     * A /createvm task still building its VM (pending or cloned) whose row has not moved for this long is taken for
     * interrupted (the replica building it stopped) and reported failed. Every build step takes seconds to minutes.
     */
    @WithDefault("30m")
    Duration buildTimeout();

    /**
     * The SSH public key (one {@code authorized_keys} line, e.g. {@code ssh-ed25519 AAAA... ansible}) installed for root
     * in every unattended install, so that playbooks can reach the VM. Takes precedence over
     * {@link #sshPublicKeyFile()}.
     */
    Optional<String> sshPublicKey();

    /**
     * A file holding that key, read once at start-up. When neither this file exists nor {@link #sshPublicKey()} is set,
     * no key is installed and a warning is logged.
     */
    @WithDefault("${user.home}/.ssh/id_rsa.pub")
    String sshPublicKeyFile();

    /** The DNS domain the installed systems get (Debian/Ubuntu ask for one). */
    @WithDefault("localdomain")
    String domain();

    /** Installation repositories used when /createvm is not given a {@code mirror_url}. */
    DefaultMirrors defaultMirror();

    /** One default installation repository per distribution (and CentOS release). */
    interface DefaultMirrors {

        /** Debian archive (any release). */
        @WithDefault("http://deb.debian.org/debian")
        String debian();

        /** Ubuntu archive (any release). */
        @WithDefault("http://archive.ubuntu.com/ubuntu")
        String ubuntu();

        /**
         * CentOS 7 tree. mirror.centos.org is gone since CentOS 7's end of life, so the default is the vault's last
         * point release.
         */
        @WithDefault("http://vault.centos.org/7.9.2009/os/x86_64")
        String centos7();

        /** CentOS 8 BaseOS tree, from the vault for the same reason. */
        @WithDefault("http://vault.centos.org/8.5.2111/BaseOS/x86_64/os")
        String centos8();
    }
}
