package org.vmemperor.access.service;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.security.RevocationList;
import org.vmemperor.common.security.UserPrincipal;

/**
 * Checks a user name and password against the realms in a fixed order, for /login.
 * <p>
 * Rule for a name in both realms: the local realm is asked first, and a local account with that user name is the
 * only one consulted (a wrong local password does not fall through to LDAP). LDAP is asked only for names that have
 * no local account. Both realms' ids differ ({@code users/<uuid>} vs {@code users/ldap:<name>}), so rights granted
 * to one never leak to the other.
 */
@ApplicationScoped
public class PasswordRealms {

    /**
     * Who logged in, and the user's session epoch, read before the user's groups (see
     * {@link RevocationList#sessionEpoch(String)}); the token is signed with it.
     */
    public record Authenticated(UserPrincipal principal, long sessionEpoch) {
    }

    private final DirectoryService directory;
    private final LdapDirectory ldap;
    private final RevocationList revocations;

    public PasswordRealms(DirectoryService directory, LdapDirectory ldap, RevocationList revocations) {
        this.directory = directory;
        this.ldap = ldap;
        this.revocations = revocations;
    }

    /** The user, or empty for a wrong password or an unknown user name (which the caller must not tell apart). */
    public Optional<Authenticated> authenticate(String username, String password) {
        Optional<DirectoryService.LocalAccount> local = directory.localAccount(username);
        if (local.isPresent()) {
            return checkLocal(local.get(), password);
        }
        if (!ldap.enabled()) {
            return rejectUnknown(password);
        }
        return checkLdap(username, password);
    }

    private static Optional<Authenticated> rejectUnknown(String password) {
        // spend the time of a real check so that answer times do not tell which user names exist
        PasswordHashes.matches(password, PasswordHashes.UNKNOWN_USER_HASH);
        return Optional.empty();
    }

    private static Optional<Authenticated> checkLocal(DirectoryService.LocalAccount account, String password) {
        if (!PasswordHashes.matches(password, account.passwordHash())) {
            return Optional.empty();
        }
        UserPrincipal principal = new UserPrincipal(UserPrincipal.USER_PREFIX + account.id(), account.name(),
                account.username(), account.groupIds().stream().map(id -> UserPrincipal.GROUP_PREFIX + id).toList(),
                false);
        return Optional.of(new Authenticated(principal, account.sessionEpoch()));
    }

    /**
     * No local account: the directory is searched for the entry (with the configured user filter, so an entry outside
     * it cannot log in), then the password is checked by binding as that entry; no password attribute is ever read.
     */
    private Optional<Authenticated> checkLdap(String username, String password) {
        Optional<LdapDirectory.LdapUser> user = ldap.user(username);
        if (user.isEmpty()) {
            return rejectUnknown(password);
        }
        if (password.isEmpty()) {
            // many servers take a simple bind without a password as an anonymous bind that "succeeds"
            return Optional.empty();
        }
        if (!ldap.passwordMatches(user.get().dn(), password)) {
            return Optional.empty();
        }
        String id = UserPrincipal.USER_PREFIX + Realms.LDAP + user.get().username();
        long sessionEpoch = revocations.sessionEpoch(id);
        List<String> groups = ldap.groupsOf(user.get().dn()).stream()
                .map(name -> UserPrincipal.GROUP_PREFIX + Realms.LDAP + name).toList();
        UserPrincipal principal = new UserPrincipal(id, user.get().name(), user.get().username(), groups, false);
        return Optional.of(new Authenticated(principal, sessionEpoch));
    }
}
