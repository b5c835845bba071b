package org.vmemperor.access.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.vmemperor.access.config.AccessConfig;
import org.vmemperor.access.entity.LocalGroup;
import org.vmemperor.access.entity.LocalUser;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.RevocationList;
import org.vmemperor.common.security.UserPrincipal;

import io.quarkus.elytron.security.common.BcryptUtil;

/** Users and groups of both realms: lists, existence checks, and the administration of the local realm. */
@ApplicationScoped
public class DirectoryService {

    private final LdapDirectory ldap;
    private final AccessConfig config;
    private final RevocationList revocations;

    public DirectoryService(LdapDirectory ldap, AccessConfig config, RevocationList revocations) {
        this.ldap = ldap;
        this.config = config;
        this.revocations = revocations;
    }

    @Transactional
    public List<DirectoryEntry> users() {
        List<DirectoryEntry> users = new ArrayList<>();
        for (LocalUser user : LocalUser.listByUsername()) {
            users.add(new DirectoryEntry(user.id, user.name, user.username));
        }
        ldap.users().forEach(user -> users.add(new DirectoryEntry(Realms.LDAP + user.username(), user.name(),
                user.username())));
        return users;
    }

    @Transactional
    public List<DirectoryEntry> groups() {
        List<DirectoryEntry> groups = new ArrayList<>();
        for (LocalGroup group : LocalGroup.listByName()) {
            groups.add(new DirectoryEntry(group.id, group.name, group.name));
        }
        ldap.groups().forEach(name -> groups.add(new DirectoryEntry(Realms.LDAP + name, name, name)));
        return groups;
    }

    /** Whether a principal id ({@code users/...} or {@code groups/...}) names an existing user or group. */
    @Transactional
    public boolean exists(String principalId) {
        if (principalId.startsWith(UserPrincipal.USER_PREFIX)) {
            String id = principalId.substring(UserPrincipal.USER_PREFIX.length());
            if (id.startsWith(Realms.LDAP)) {
                return ldap.enabled() && ldap.user(id.substring(Realms.LDAP.length())).isPresent();
            }
            return LocalUser.findById(id) != null;
        }
        if (principalId.startsWith(UserPrincipal.GROUP_PREFIX)) {
            String id = principalId.substring(UserPrincipal.GROUP_PREFIX.length());
            if (id.startsWith(Realms.LDAP)) {
                return ldap.enabled() && ldap.groupExists(id.substring(Realms.LDAP.length()));
            }
            return LocalGroup.findById(id) != null;
        }
        return false;
    }

    /**
     * The local user of that name with its group ids, for the login chain. The session epoch is read before the
     * groups: a removal from a group committed between the two reads then leaves the token with an old epoch, which
     * every verifier refuses, rather than with a current epoch and the removed group.
     */
    @Transactional
    public Optional<LocalAccount> localAccount(String username) {
        return LocalUser.findByUsername(username).map(user -> {
            long sessionEpoch = revocations.sessionEpoch(UserPrincipal.USER_PREFIX + user.id);
            return new LocalAccount(user.id, user.username, user.name, user.passwordHash,
                    LocalGroup.ofMember(user.id).stream().map(group -> group.id).toList(), sessionEpoch);
        });
    }

    /** A local user as the login chain needs it. */
    public record LocalAccount(String id, String username, String name, String passwordHash, List<String> groupIds,
            long sessionEpoch) {
    }

    @Transactional
    public String createUser(String username, String password, String name) {
        if (password.length() < config.minPasswordLength()) {
            throw ApiException.badRequest("the password must have at least " + config.minPasswordLength()
                    + " characters");
        }
        if (username.length() > 128 || name.length() > 256) {
            throw ApiException.badRequest("username or name too long");
        }
        if (LocalUser.findByUsername(username).isPresent()) {
            throw ApiException.conflict("a user named '" + username + "' exists");
        }
        LocalUser user = new LocalUser();
        user.id = UUID.randomUUID().toString();
        user.username = username;
        user.name = name;
        user.passwordHash = BcryptUtil.bcryptHash(password);
        user.created = Instant.now();
        user.persistAndFlush();
        return user.id;
    }

    /** Deletes a local user and ends its sessions on every replica (in the same transaction). */
    @Transactional
    public void deleteUser(String id) {
        LocalUser user = localUser(id);
        for (LocalGroup group : LocalGroup.ofMember(user.id)) {
            group.members.remove(user);
        }
        user.delete();
        revocations.endSessionsOf(UserPrincipal.USER_PREFIX + user.id);
    }

    @Transactional
    public String createGroup(String name) {
        if (name.length() > 128) {
            throw ApiException.badRequest("name too long");
        }
        if (LocalGroup.findByName(name).isPresent()) {
            throw ApiException.conflict("a group named '" + name + "' exists");
        }
        LocalGroup group = new LocalGroup();
        group.id = UUID.randomUUID().toString();
        group.name = name;
        group.created = Instant.now();
        group.persistAndFlush();
        return group.id;
    }

    /**
     * Deletes a local group and ends its members' sessions: their tokens name the group, and access entries of the
     * group would keep matching them until the tokens expire.
     */
    @Transactional
    public void deleteGroup(String id) {
        LocalGroup group = localGroup(id);
        for (LocalUser member : group.members) {
            revocations.endSessionsOf(UserPrincipal.USER_PREFIX + member.id);
        }
        group.delete();
    }

    /**
     * Adds or removes a local user to or from a local group; both are idempotent. A removal ends the user's sessions
     * (they carry the group): the user logs in again and holds only what the current groups give. An addition takes
     * effect at the next login.
     */
    @Transactional
    public void setMembership(String groupId, String userId, boolean member) {
        LocalGroup group = localGroup(groupId);
        LocalUser user = localUser(userId);
        if (member) {
            group.members.add(user);
        } else if (group.members.remove(user)) {
            revocations.endSessionsOf(UserPrincipal.USER_PREFIX + user.id);
        }
    }

    private static LocalUser localUser(String id) {
        String bare = strip(id, UserPrincipal.USER_PREFIX);
        if (bare.startsWith(Realms.LDAP) || bare.startsWith(Realms.POOL)) {
            throw ApiException.badRequest("only local users are managed here");
        }
        LocalUser user = LocalUser.findById(bare);
        if (user == null) {
            throw ApiException.notFound("no such user");
        }
        return user;
    }

    private static LocalGroup localGroup(String id) {
        String bare = strip(id, UserPrincipal.GROUP_PREFIX);
        if (bare.startsWith(Realms.LDAP)) {
            throw ApiException.badRequest("only local groups are managed here");
        }
        LocalGroup group = LocalGroup.findById(bare);
        if (group == null) {
            throw ApiException.notFound("no such group");
        }
        return group;
    }

    static String strip(String id, String prefix) {
        return id.startsWith(prefix) ? id.substring(prefix.length()) : id;
    }
}
