package org.vmemperor.access.service;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.RevocationList;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.security.VerifiedToken;
import org.vmemperor.common.xenapi.XenApi;

import io.micrometer.core.instrument.MeterRegistry;

/** Logging in (local/LDAP realms or the pool), and logging out. Every outcome is audited and throttled. */
@ApplicationScoped
public class LoginService {

    private final PasswordRealms realms;
    private final XenApi xenApi;
    private final TokenSigner signer;
    private final RevocationList revocations;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final MeterRegistry metrics;

    public LoginService(PasswordRealms realms, XenApi xenApi, TokenSigner signer,
            RevocationList revocations, LoginThrottle throttle, AuditLog audit, MeterRegistry metrics) {
        this.metrics = metrics;
        this.realms = realms;
        this.xenApi = xenApi;
        this.signer = signer;
        this.revocations = revocations;
        this.throttle = throttle;
        this.audit = audit;
    }

    /** /login: the local and LDAP realms, in {@link PasswordRealms}' order. */
    public TokenSigner.SignedToken login(String username, String password, String address) {
        throttle.check(username, address);
        Optional<PasswordRealms.Authenticated> user = realms.authenticate(username, password);
        if (user.isEmpty()) {
            return failed("login", username, address);
        }
        return succeeded("login", user.get().principal(), address, user.get().sessionEpoch());
    }

    /**
     * /adminauth: whoever the pool accepts ({@code session.login_with_password}) administers VMEmperor. The id
     * {@code users/xen:<username>} is stable across logins and cannot collide with the other realms.
     */
    public TokenSigner.SignedToken adminLogin(String username, String password, String address) {
        throttle.check(username, address);
        if (!xenApi.checkCredentials(username, password)) {
            return failed("adminauth", username, address);
        }
        UserPrincipal principal = new UserPrincipal(UserPrincipal.USER_PREFIX + Realms.POOL + username, username,
                username, List.of(), true);
        return succeeded("adminauth", principal, address, revocations.sessionEpoch(principal.id()));
    }

    /** Revokes the caller's token for every replica of every service. */
    public void logout(VerifiedToken token, String address) {
        revocations.revoke(token.tokenId(), token.expiresAt());
        audit.record(token.principal().id(), "logout", null, null, address, true);
    }

    private TokenSigner.SignedToken succeeded(String action, UserPrincipal principal, String address,
            long sessionEpoch) {
        throttle.recordSuccess(principal.username());
        audit.record(principal.id(), action, null, null, address, true);
        return signer.sign(principal, sessionEpoch);
    }

    private TokenSigner.SignedToken failed(String action, String username, String address) {
        throttle.recordFailure(username, address);
        metrics.counter("vmemperor.logins.failed", "action", action).increment();
        audit.record(username, action, null, "wrong credentials", address, false);
        throw ApiException.wrongCredentials();
    }
}
