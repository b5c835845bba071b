package org.vmemperor.access.service;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
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
 * The one identity provider /login uses, consulting the realms in a fixed order. Quarkus' own JPA and LDAP providers
 * share one priority and both fail on an unknown user, so which one answered used to change between builds; this
 * provider has a higher priority and decides itself.
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

    private static final Logger LOG = Logger.getLogger(ChainedIdentityProvider.class);
    private static final String UNKNOWN_USER_HASH = BcryptUtil.bcryptHash("no such user");

    private final DirectoryService directory;
    private final LdapDirectory ldap;
    private final ElytronSecurityDomainManager ldapRealm;

    public ChainedIdentityProvider(DirectoryService directory, LdapDirectory ldap,
            ElytronSecurityDomainManager ldapRealm) {
        this.directory = directory;
        this.ldap = ldap;
        this.ldapRealm = ldapRealm;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 100;
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
                false));
    }

    /**
     * No local account: the LDAP realm decides. Quarkus' LDAP realm (its security domain) checks the password when it
     * is set up; otherwise the directory itself is asked by binding as the user.
     */
    private SecurityIdentity checkLdap(String username, String password) {
        Optional<LdapDirectory.LdapUser> user = ldap.user(username);
        if (user.isEmpty()) {
            return rejectUnknown(password);
        }
        SecurityDomain domain = ldapRealm.getDomain();
        if (domain != null) {
            try {
                domain.authenticate(username, new PasswordGuessEvidence(password.toCharArray()));
            } catch (RealmUnavailableException e) {
                LOG.warnf("LDAP login refused: the directory is unavailable: %s", e.getMessage());
                throw new AuthenticationFailedException("the LDAP directory is unavailable", e);
            } catch (SecurityException e) {
                throw new AuthenticationFailedException();
            }
        } else if (!ldap.checkPassword(user.get().dn(), password)) {
            throw new AuthenticationFailedException();
        }
        return ldapIdentity(user.get());
    }

    private SecurityIdentity ldapIdentity(LdapDirectory.LdapUser user) {
        List<String> groups = ldap.groupsOf(user.dn()).stream()
                .map(name -> UserPrincipal.GROUP_PREFIX + Realms.LDAP + name).toList();
        return identity(new UserPrincipal(UserPrincipal.USER_PREFIX + Realms.LDAP + user.username(), user.name(),
                user.username(), groups, false));
    }

    private static SecurityIdentity identity(UserPrincipal principal) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(principal.username()))
                .addAttribute(PRINCIPAL_ATTRIBUTE, principal)
                .build();
    }
}
