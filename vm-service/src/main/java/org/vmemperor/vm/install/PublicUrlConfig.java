package org.vmemperor.vm.install;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;

/**
 * The base URL at which VMs reach vm-service ({@code vmemperor.public-url}). Behind an ingress or NAT it differs from
 * the address vm-service binds, so a configured value always wins; without one it is the origin this process really
 * serves, {@code http://localhost:<the port the HTTP server listens on>}, so that the standalone on 8889 (or on
 * {@code QUARKUS_HTTP_PORT}) tells its VMs its own port. A plain property, not a
 * {@code @ConfigMapping(prefix = "vmemperor")}: a mapping of the root prefix makes SmallRye reject every other
 * {@code vmemperor.*} key no mapping claims, such as the standalone's {@code vmemperor.data-dir}.
 */
@ApplicationScoped
public class PublicUrlConfig {

    private final Optional<String> configured;
    private final Instance<HttpServer> httpServer;

    /**
     * @param configured base URL (scheme, host, optional port and path, no trailing slash needed) of vm-service as seen
     *        from the VMs' network, e.g. {@code http://vmemperor.example.org}; set it in every deployment where VMs do
     *        not reach vm-service at localhost
     * @param httpServer the running HTTP server, whose real port (also a random one) is known once it listens
     */
    public PublicUrlConfig(@ConfigProperty(name = "vmemperor.public-url") Optional<String> configured,
            Instance<HttpServer> httpServer) {
        this.configured = configured.map(String::trim).filter(url -> !url.isEmpty());
        this.httpServer = httpServer;
    }

    /** The base URL without a trailing slash. */
    public String publicUrl() {
        String url = configured.orElseGet(() -> "http://localhost:" + listeningPort());
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private int listeningPort() {
        if (httpServer.isResolvable() && httpServer.get().getPort() > 0) {
            return httpServer.get().getPort();
        }
        // Quarkus publishes the port it bound (a random one too) as configuration
        Config config = ConfigProvider.getConfig();
        String key = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        return config.getOptionalValue(key, Integer.class).orElse(8080);
    }

    /** Logged once the server listens: before that a random port ({@code quarkus.http.port=0}) is not known. */
    void onHttpStart(@ObservesAsync HttpServerStart start) {
        if (configured.isPresent()) {
            Log.infof("Public URL (unattended installs fetch their answer files there): %s (vmemperor.public-url)",
                    publicUrl());
        } else {
            Log.infof("Public URL (unattended installs fetch their answer files there): %s, from the HTTP port; set"
                    + " vmemperor.public-url when VMs reach this service at another address", publicUrl());
        }
    }
}
