package org.vmemperor.vm.install;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;
import org.vmemperor.common.error.ApiException;

/**
 * What every answer file gets besides the request: the DNS domain, the default mirrors and the playbooks' SSH key.
 * Built from {@link InstallConfig}; a record so that template tests need no running application.
 */
public record InstallSettings(String domain, Optional<String> sshPublicKey, String debianMirror, String ubuntuMirror,
        String centos7Mirror, String centos8Mirror) {

    private static final Logger LOG = Logger.getLogger(InstallSettings.class);

    /**
     * One authorized_keys line: a key type, base64, an optional plain comment. Anything else (options, quotes, shell
     * characters, several lines) is refused because the key is echoed by the installers' shell.
     */
    private static final Pattern SSH_KEY = Pattern.compile("^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp(?:256|384|521)"
            + "|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,3}"
            + "(?: [A-Za-z0-9@._+:=-]{1,100})*$");

    public InstallSettings {
        sshPublicKey = sshPublicKey == null ? Optional.empty() : sshPublicKey;
    }

    /** The settings of the configuration; reads the key file now and warns when no usable key is configured. */
    public static InstallSettings from(InstallConfig config) {
        InstallConfig.DefaultMirrors mirrors = config.defaultMirror();
        return new InstallSettings(config.domain(), sshKey(config), mirrors.debian(), mirrors.ubuntu(),
                mirrors.centos7(), mirrors.centos8());
    }

    private static Optional<String> sshKey(InstallConfig config) {
        Optional<String> configured = config.sshPublicKey().map(String::trim).filter(key -> !key.isEmpty());
        String source = "vmemperor.install.ssh-public-key";
        if (configured.isEmpty()) {
            Path file = Path.of(config.sshPublicKeyFile());
            source = file.toString();
            if (!Files.isReadable(file)) {
                LOG.warnf("No SSH public key for playbooks (vmemperor.install.ssh-public-key unset, %s not readable):"
                        + " unattended installs will not authorize any key for root", file);
                return Optional.empty();
            }
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
                configured = lines.stream().findFirst();
                if (lines.size() > 1) {
                    LOG.warnf("%s holds %d keys: only the first is installed", file, lines.size());
                }
            } catch (IOException e) {
                LOG.warnf("Cannot read the SSH public key %s (%s): no key will be installed", file, e.getMessage());
                return Optional.empty();
            }
        }
        if (configured.isEmpty() || !isValidKey(configured.get())) {
            LOG.warnf("The SSH public key from %s is not a single authorized_keys line (type, base64, plain comment):"
                    + " unattended installs will not authorize any key for root", source);
            return Optional.empty();
        }
        return configured;
    }

    static boolean isValidKey(String key) {
        return key.length() <= 16_384 && SSH_KEY.matcher(key).matches();
    }

    /** The repository used when the request names none. */
    public URI defaultMirror(InstallTarget target) {
        String url = switch (target.kind()) {
            case DEBIAN -> debianMirror;
            case UBUNTU -> ubuntuMirror;
            case CENTOS -> switch (target.release()) {
                case "7" -> centos7Mirror;
                case "8" -> centos8Mirror;
                default -> throw ApiException.badRequest("argument 'mirror_url' is required: there is no default"
                        + " mirror for CentOS " + target.release());
            };
        };
        return InstallRequest.mirror(url);
    }
}
