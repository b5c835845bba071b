package org.vmemperor.vm.stream;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The /vmlist stream's keys. */
@ConfigMapping(prefix = "vmemperor.vmlist")
public interface VmListConfig {

    /**
     * How often every open socket's token is checked against the revocation list; a logout closes the socket within
     * this time plus {@code vmemperor.security.revocation-cache-ttl}.
     */
    @WithDefault("5s")
    Duration revocationCheckInterval();

    /**
     * The bytes a socket may have unsent (sent by the service, not yet read by the client) when a change is to be
     * pushed to it: above, the socket is closed with 1013 ("client too slow") instead, so that a client that stops
     * reading cannot make the service hold every later change for it. Initial records are not counted against it when
     * written, but are when still unsent at the next change: it must exceed a pool's whole initial list (about
     * 1.2 KB per VM: 12 MB at 10,000 VMs).
     */
    @WithDefault("64M")
    MemorySize maxUnsent();
}
