package org.vmemperor.vm.stream;

import java.time.Duration;

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
}
