package org.vmemperor.access.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.access.config.AccessConfig;
import org.vmemperor.access.service.DirectoryRepository.LocalGroup;
import org.vmemperor.access.service.DirectoryRepository.LocalUser;
import org.vmemperor.common.db.Database;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.RevocationList;
import org.vmemperor.common.security.UserPrincipal;

/** Users and groups of both realms: lists, existence checks, and the administration of the local realm. */
@ApplicationScoped
public class DirectoryService {

    private final Database database;
    private final DirectoryRepository local;
    private final LdapDirectory ldap;
    private final AccessConfig config;
    private final RevocationList revocations;

    public DirectoryService(Database database, DirectoryRepository local, LdapDirectory ldap, AccessConfig config,
            RevocationList revocations) {
        this.database = database;
        this.local = local;
        this.ldap = ldap;
        this.config = config;
        this.revocations = revocations;
    }

    public List<DirectoryEntry> users() {
        List<DirectoryEntry> users = new ArrayList<>();
        for (LocalUser user : database.call(local::usersByUsername)) {
            users.add(new DirectoryEntry(user.id(), user.name(), user.username()));
        }
        ldap.users().forEach(user -> users.add(new DirectoryEntry(Realms.LDAP + user.username(), user.name(),
                user.username())));
        return users;
    }

    public List<DirectoryEntry> groups() {
        List<DirectoryEntry> groups = new ArrayList<>();
        for (LocalGroup group : database.call(local::groupsByName)) {
            groups.add(new DirectoryEntry(group.id(), group.name(), group.name()));
        }
        ldap.groups().forEach(name -> groups.add(new DirectoryEntry(Realms.LDAP + name, name, name)));
        return groups;
    }

    /** Whether a principal id ({@code users/...} or {@code groups/...}) names an existing user or group. */
    public boolean exists(String principalId) {
        if (principalId.startsWith(UserPrincipal.USER_PREFIX)) {
            String id = principalId.substring(UserPrincipal.USER_PREFIX.length());
            if (id.startsWith(Realms.LDAP)) {
                return ldap.enabled() && ldap.user(id.substring(Realms.LDAP.length())).isPresent();
            }
            return database.call(connection -> local.user(connection, id)).isPresent();
        }
        if (principalId.startsWith(UserPrincipal.GROUP_PREFIX)) {
            String id = principalId.substring(UserPrincipal.GROUP_PREFIX.length());
            if (id.startsWith(Realms.LDAP)) {
                return ldap.enabled() && ldap.groupExists(id.substring(Realms.LDAP.length()));
            }
            return database.call(connection -> local.group(connection, id)).isPresent();
        }
        return false;
    }

    /**
     * The local user of that name with its group ids, for the login chain. The session epoch is read before the
     * groups: a removal from a group committed between the two reads then leaves the token with an old epoch, which
     * every verifier refuses, rather than with a current epoch and the removed group.
     */
    public Optional<LocalAccount> localAccount(String username) {
        return database.call(connection -> {
            Optional<LocalUser> found = local.userByUsername(connection, username);
            if (found.isEmpty()) {
                return Optional.<LocalAccount> empty();
            }
            LocalUser user = found.get();
            long sessionEpoch = revocations.sessionEpoch(connection, UserPrincipal.USER_PREFIX + user.id());
            return Optional.of(new LocalAccount(user.id(), user.username(), user.name(), user.passwordHash(),
                    local.groupIdsOf(connection, user.id()), sessionEpoch));
        });
    }

    /** A local user as the login chain needs it. */
    public record LocalAccount(String id, String username, String name, String passwordHash, List<String> groupIds,
            long sessionEpoch) {
    }

    public String createUser(String username, String password, String name) {
        if (password.length() < config.minPasswordLength()) {
            throw ApiException.badRequest("the password must have at least " + config.minPasswordLength()
                    + " characters");
        }
        if (username.length() > 128 || name.length() > 256) {
            throw ApiException.badRequest("username or name too long");
        }
        // hashed before the transaction: bcrypt takes a while, and the connection is not needed meanwhile
        LocalUser user = new LocalUser(UUID.randomUUID().toString(), username, name, PasswordHashes.hash(password),
                Instant.now());
        database.run(connection -> {
            if (local.userByUsername(connection, username).isPresent()) {
                throw ApiException.conflict("a user named '" + username + "' exists");
            }
            local.insert(connection, user);
        });
        return user.id();
    }

    /** Deletes a local user and ends its sessions on every replica (in the same transaction). */
    public void deleteUser(String id) {
        database.run(connection -> {
            LocalUser user = localUser(connection, id);
            local.deleteUser(connection, user.id());
            revocations.endSessionsOf(connection, UserPrincipal.USER_PREFIX + user.id());
        });
    }

    public String createGroup(String name) {
        if (name.length() > 128) {
            throw ApiException.badRequest("name too long");
        }
        LocalGroup group = new LocalGroup(UUID.randomUUID().toString(), name, Instant.now());
        database.run(connection -> {
            if (local.groupByName(connection, name).isPresent()) {
                throw ApiException.conflict("a group named '" + name + "' exists");
            }
            local.insert(connection, group);
        });
        return group.id();
    }

    /**
     * Deletes a local group and ends its members' sessions: their tokens name the group, and access entries of the
     * group would keep matching them until the tokens expire.
     */
    public void deleteGroup(String id) {
        database.run(connection -> {
            LocalGroup group = localGroup(connection, id);
            for (String memberId : local.memberIds(connection, group.id())) {
                revocations.endSessionsOf(connection, UserPrincipal.USER_PREFIX + memberId);
            }
            local.deleteGroup(connection, group.id());
        });
    }

    /**
     * Adds or removes a local user to or from a local group; both are idempotent. A removal ends the user's sessions
     * (they carry the group): the user logs in again and holds only what the current groups give. An addition takes
     * effect at the next login.
     */
    public void setMembership(String groupId, String userId, boolean member) {
        database.run(connection -> {
            LocalGroup group = localGroup(connection, groupId);
            LocalUser user = localUser(connection, userId);
            if (member) {
                local.addMember(connection, group.id(), user.id());
            } else if (local.removeMember(connection, group.id(), user.id())) {
                revocations.endSessionsOf(connection, UserPrincipal.USER_PREFIX + user.id());
            }
        });
    }

    private LocalUser localUser(Connection connection, String id) throws SQLException {
        String bare = strip(id, UserPrincipal.USER_PREFIX);
        if (bare.startsWith(Realms.LDAP) || bare.startsWith(Realms.POOL)) {
            throw ApiException.badRequest("only local users are managed here");
        }
        return local.user(connection, bare).orElseThrow(() -> ApiException.notFound("no such user"));
    }

    private LocalGroup localGroup(Connection connection, String id) throws SQLException {
        String bare = strip(id, UserPrincipal.GROUP_PREFIX);
        if (bare.startsWith(Realms.LDAP)) {
            throw ApiException.badRequest("only local groups are managed here");
        }
        return local.group(connection, bare).orElseThrow(() -> ApiException.notFound("no such group"));
    }

    static String strip(String id, String prefix) {
        return id.startsWith(prefix) ? id.substring(prefix.length()) : id;
    }
}
