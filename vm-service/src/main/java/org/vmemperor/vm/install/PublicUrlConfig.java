package org.vmemperor.vm.install;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The base URL at which VMs reach vm-service. Behind an ingress or NAT it differs from the address vm-service binds,
 * so it is configured rather than guessed. Kept apart from {@link InstallConfig} because the issue names the key
 * {@code vmemperor.public-url}.
 */
@ConfigMapping(prefix = "vmemperor")
public interface PublicUrlConfig {

    /**
     * Base URL (scheme, host, optional port and path, no trailing slash needed) of vm-service as seen from the VMs'
     * network, e.g. {@code http://vmemperor.example.org}. The default only suits a VM and vm-service on one machine,
     * i.e. tests; set it in every real deployment.
     */
    @WithName("public-url")
    @WithDefault("http://localhost:8080")
    String publicUrl();
}
