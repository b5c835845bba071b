package org.vmemperor.access.service;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.RevocationList;
import org.vmemperor.common.security.UserPrincipal;
import org.wildfly.security.auth.server.RealmUnavailableException;
import org.wildfly.security.auth.server.SecurityDomain;
import org.wildfly.security.evidence.PasswordGuessEvidence;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.elytron.security.runtime.ElytronSecurityDomainManager;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The one identity provider /login uses, consulting the realms in a fixed order. Quarkus' own providers share one
 * priority and fail on an unknown user, so which one answered could change between builds; this provider has a
 * higher priority than all of them and decides itself, using Quarkus' LDAP realm for LDAP passwords.
 * <p>
 * Rule for a name in both realms: the local realm is asked first, and a local account with that user name is the
 * only one consulted (a wrong local password does not fall through to LDAP). LDAP is asked only for names that have
 * no local account. Both realms' ids differ ({@code users/<uuid>} vs {@code users/ldap:<name>}), so rights granted
 * to one never leak to the other.
 */
@ApplicationScoped
public class ChainedIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /** The {@link SecurityIdentity} attribute carrying the {@link UserPrincipal}. */
    public static final String PRINCIPAL_ATTRIBUTE = "vmemperor.principal";

    /**
     * The {@link SecurityIdentity} attribute carrying the user's session epoch ({@code Long}), read before the user's
     * groups (see {@link RevocationList#sessionEpoch(String)}); the token is signed with it.
     */
    public static final String SESSION_EPOCH_ATTRIBUTE = "vmemperor.session-epoch";

    /** See {@link #priority()}. */
    public static final int PRIORITY = 2000;

    private static final Logger LOG = Logger.getLogger(ChainedIdentityProvider.class);
    /**
     * A bcrypt hash of "no such user" with the cost of the stored ones ({@link BcryptUtil#bcryptHash(String)}'s), checked
     * against for a user who does not exist. Written out rather than computed: hashing it took about 5% of the
     * standalone's start-up CPU (JFR), on the start's critical path.
     */
    static final String UNKNOWN_USER_HASH = "$2a$10$.EKdqw33g0ykfEBHezeFjefxjjm2wjAx4tbH0GtrBmdcO8pZpBSy.";

    private final DirectoryService directory;
    private final LdapDirectory ldap;
    private final ElytronSecurityDomainManager ldapRealm;
    private final RevocationList revocations;

    public ChainedIdentityProvider(DirectoryService directory, LdapDirectory ldap,
            ElytronSecurityDomainManager ldapRealm, RevocationList revocations) {
        this.directory = directory;
        this.ldap = ldap;
        this.ldapRealm = ldapRealm;
        this.revocations = revocations;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    /**
     * Above every provider the extensions register: {@code IdentityProvider.priority()} defaults to 1001, which
     * Quarkus' own {@code ElytronPasswordIdentityProvider} (there as soon as the LDAP realm is built) keeps. The
     * highest priority is asked first, and this provider always answers (identity or failure), so no other provider
     * is ever asked for a user name and password.
     */
    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String username = request.getUsername();
        String password = new String(request.getPassword().getPassword());
        return context.runBlocking(() -> {
            Optional<DirectoryService.LocalAccount> local = directory.localAccount(username);
            if (local.isPresent()) {
                return checkLocal(local.get(), password);
            }
            if (!ldap.enabled()) {
                return rejectUnknown(password);
            }
            return checkLdap(username, password);
        });
    }

    private static SecurityIdentity rejectUnknown(String password) {
        // spend the time of a real check so that answer times do not tell which user names exist
        BcryptUtil.matches(password, UNKNOWN_USER_HASH);
        throw new AuthenticationFailedException();
    }

    private static SecurityIdentity checkLocal(DirectoryService.LocalAccount account, String password) {
        if (!BcryptUtil.matches(password, account.passwordHash())) {
            throw new AuthenticationFailedException();
        }
        return identity(new UserPrincipal(UserPrincipal.USER_PREFIX + account.id(), account.name(),
                account.username(), account.groupIds().stream().map(id -> UserPrincipal.GROUP_PREFIX + id).toList(),
                false), account.sessionEpoch());
    }

    /**
     * No local account: Quarkus' LDAP realm decides, through the security domain the elytron extensions build from it
     * (its identity mapping finds the entry, {@code direct-verification} binds as it). The directory is searched
     * first only for what the realm does not give: the display name, the DN for the group search, and the
     * configured user filter, so an entry outside that filter cannot log in.
     */
    private SecurityIdentity checkLdap(String username, String password) {
        Optional<LdapDirectory.LdapUser> user = ldap.user(username);
        if (user.isEmpty()) {
            return rejectUnknown(password);
        }
        if (password.isEmpty()) {
            // many servers take a simple bind without a password as an anonymous bind that "succeeds"
            throw new AuthenticationFailedException();
        }
        SecurityDomain domain = ldapRealm.getDomain();
        if (domain == null) {
            // only a build without quarkus.security.ldap.enabled=true gets here: refuse rather than guess
            LOG.error("LDAP login refused: Quarkus built no LDAP realm"
                    + " (quarkus.security.ldap.enabled was false when the application was built)");
            throw new AuthenticationFailedException();
        }
        try {
            domain.authenticate(username, new PasswordGuessEvidence(password.toCharArray()));
        } catch (RealmUnavailableException e) {
            LOG.warnf("LDAP login refused: the directory is unavailable: %s", e.getMessage());
            throw ApiException.unavailable("the LDAP directory is unavailable", 5);
        } catch (SecurityException e) {
            throw new AuthenticationFailedException();
        }
        return ldapIdentity(user.get());
    }

    private SecurityIdentity ldapIdentity(LdapDirectory.LdapUser user) {
        String id = UserPrincipal.USER_PREFIX + Realms.LDAP + user.username();
        long sessionEpoch = revocations.sessionEpoch(id);
        List<String> groups = ldap.groupsOf(user.dn()).stream()
                .map(name -> UserPrincipal.GROUP_PREFIX + Realms.LDAP + name).toList();
        return identity(new UserPrincipal(id, user.name(), user.username(), groups, false), sessionEpoch);
    }

    private static SecurityIdentity identity(UserPrincipal principal, long sessionEpoch) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(principal.username()))
                .addAttribute(PRINCIPAL_ATTRIBUTE, principal)
                .addAttribute(SESSION_EPOCH_ATTRIBUTE, sessionEpoch)
                .build();
    }
}
