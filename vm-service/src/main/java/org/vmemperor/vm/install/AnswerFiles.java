package org.vmemperor.vm.install;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.runtime.Startup;

/**
 * Renders the preseed (Debian, Ubuntu) or kickstart (CentOS) file of an install from the Qute templates in
 * {@code templates/install/}. Templates get plain strings and booleans only, so they render the same in the
 * application and in a bare Qute engine (tests). Created at start-up so that a missing or unusable SSH key is reported
 * then, not at the first install.
 */
@Startup
@ApplicationScoped
public class AnswerFiles {

    private final Engine engine;
    private final InstallSettings settings;

    @Inject
    public AnswerFiles(Engine engine, InstallConfig config) {
        this(engine, InstallSettings.from(config));
    }

    AnswerFiles(Engine engine, InstallSettings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /** The installation repository of the request: its {@code mirror_url}, else the distribution's default. */
    public URI mirror(InstallRequest request) {
        return request.mirrorUrl().orElseGet(() -> settings.defaultMirror(request.target()));
    }

    /** The DNS domain installed systems get. */
    public String domain() {
        return settings.domain();
    }

    /** The answer file for the request. It holds the password only as its SHA-512 crypt hash. */
    public String render(InstallRequest request) {
        InstallTarget target = request.target();
        Template template = engine.getTemplate(target.kind().template());
        if (template == null) {
            throw new IllegalStateException("missing template " + target.kind().template());
        }
        URI mirror = mirror(request);
        Map<String, Object> data = new HashMap<>();
        data.put("release", target.release());
        data.put("hostname", request.hostname());
        data.put("domain", settings.domain());
        data.put("fqdn", request.hostname() + "." + settings.domain());
        data.put("username", request.username());
        data.put("fullname", request.fullname().orElse(""));
        data.put("passwordHash", request.passwordHash());
        data.put("mirrorUrl", mirror.toString());
        data.put("mirrorScheme", mirror.getScheme());
        data.put("mirrorHost", mirror.getHost() + (mirror.getPort() < 0 ? "" : ":" + mirror.getPort()));
        data.put("mirrorDirectory", mirror.getRawPath().isEmpty() ? "/" : mirror.getRawPath());
        data.put("dhcp", request.network().isEmpty());
        StaticNetwork network = request.network().orElse(null);
        data.put("ip", network == null ? "" : network.ip());
        data.put("netmask", network == null ? "" : network.netmask());
        data.put("gateway", network == null ? "" : network.gateway());
        data.put("nameservers", network == null ? "" : String.join(" ", network.nameservers()));
        data.put("nameserversComma", network == null ? "" : String.join(",", network.nameservers()));
        String defaultFs = target.kind() == OsKind.CENTOS ? "xfs" : "ext4";
        data.put("partitioning", target.kind().usesPreseed() ? request.partition().toPreseed(defaultFs)
                : request.partition().toKickstart(defaultFs));
        data.put("sshKey", settings.sshPublicKey().orElse(""));
        data.put("pythonPackage", pythonPackage(target));
        // kickstart's "install" command is required up to RHEL 7 and removed later
        data.put("legacyInstallCommand", target.kind() == OsKind.CENTOS && target.majorVersion() > 0
                && target.majorVersion() <= 7);
        return template.data(data).render();
    }

    /** Ansible needs a Python on the VM: Debian up to 9 and Ubuntu up to 18.04 only ship a usable Python 2. */
    private static String pythonPackage(InstallTarget target) {
        int major = target.majorVersion();
        boolean old = switch (target.kind()) {
            case DEBIAN -> major > 0 && major <= 9;
            case UBUNTU -> major > 0 && major <= 18;
            case CENTOS -> false;
        };
        return old ? "python" : "python3";
    }
}
