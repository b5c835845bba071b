package org.vmemperor.vm.install;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The base URL at which VMs reach vm-service. Behind an ingress or NAT it differs from the address vm-service binds,
 * so it is configured rather than guessed. Kept apart from {@link InstallConfig} because the issue names the key
 * {@code vmemperor.public-url}. A plain property, not a {@code @ConfigMapping(prefix = "vmemperor")}: a mapping of the
 * root prefix makes SmallRye reject every other {@code vmemperor.*} key no mapping claims, such as the standalone's
 * {@code vmemperor.data-dir} given as a system property.
 */
@ApplicationScoped
public class PublicUrlConfig {

    private final String publicUrl;

    /**
     * @param publicUrl base URL (scheme, host, optional port and path, no trailing slash needed) of vm-service as seen
     *        from the VMs' network, e.g. {@code http://vmemperor.example.org}. The default only suits a VM and
     *        vm-service on one machine, i.e. tests; set it in every real deployment.
     */
    public PublicUrlConfig(
            @ConfigProperty(name = "vmemperor.public-url", defaultValue = "http://localhost:8080") String publicUrl) {
        this.publicUrl = publicUrl;
    }

    public String publicUrl() {
        return publicUrl;
    }
}
