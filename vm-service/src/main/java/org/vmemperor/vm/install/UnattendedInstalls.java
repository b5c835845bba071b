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
    private final PublicUrlConfig publicUrl;

    public UnattendedInstalls(AnswerFiles answerFiles, AutoinstallTokens tokens, PublicUrlConfig publicUrl) {
        this.answerFiles = answerFiles;
        this.tokens = tokens;
        this.publicUrl = publicUrl;
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
        return answerFileBase() + token.token();
    }

    /**
     * Where answer files are served, without the token (which only the VM may know): what /taskstatus shows while an
     * installer has not fetched its file yet.
     */
    public String answerFileBase() {
        return publicUrl.publicUrl() + "/autoinstall/";
    }
}
