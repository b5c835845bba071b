package org.vmemperor.vm.install;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The entry point of /createvm's unattended installs: renders the VM's answer file, stores it behind a one-time token
 * and answers the PV_args and other_config that make the VM's installer fetch it.
 */
@ApplicationScoped
public class UnattendedInstalls {

    private final AnswerFiles answerFiles;
    private final AutoinstallTokens tokens;
    private final String publicUrl;

    public UnattendedInstalls(AnswerFiles answerFiles, AutoinstallTokens tokens, PublicUrlConfig publicUrl) {
        this.answerFiles = answerFiles;
        this.tokens = tokens;
        String base = publicUrl.publicUrl().trim();
        this.publicUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * Prepares the install of a VM already cloned from its template: call it right before setting the returned
     * {@link PvArgs} on the VM and starting it. The token is valid for {@code vmemperor.install.token-ttl}.
     */
    public PvArgs prepare(InstallRequest request, String vmUuid, String taskId) {
        URI mirror = answerFiles.mirror(request);
        String file = answerFiles.render(request);
        IssuedToken token = tokens.issue(vmUuid, taskId, file);
        return PvArgs.of(request, mirror, answerFiles.domain(), answerFileUrl(token));
    }

    /** The URL of a token's answer file as the VM sees it ({@code vmemperor.public-url}). */
    public String answerFileUrl(IssuedToken token) {
        return publicUrl + "/autoinstall/" + token.token();
    }
}
