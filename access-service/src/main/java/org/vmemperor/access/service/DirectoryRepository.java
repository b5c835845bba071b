package org.vmemperor.access.service;

import static org.vmemperor.common.db.Database.first;
import static org.vmemperor.common.db.Database.instant;
import static org.vmemperor.common.db.Database.list;
import static org.vmemperor.common.db.Database.update;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The SQL of the local realm (V2): {@code local_user}, {@code local_group} and {@code group_member}. Every method runs
 * on the caller's connection; {@link DirectoryService} holds the transactions.
 */
@ApplicationScoped
class DirectoryRepository {

    /** A user of the local realm; the password is kept as a bcrypt hash only. */
    record LocalUser(String id, String username, String name, String passwordHash, Instant created) {
    }

    /** A group of the local realm (its members are local users only). */
    record LocalGroup(String id, String name, Instant created) {
    }

    private static final String USER_COLUMNS = "id, username, name, password_hash, created";
    private static final String GROUP_COLUMNS = "id, name, created";

    List<LocalUser> usersByUsername(Connection connection) throws SQLException {
        return list(connection, "SELECT " + USER_COLUMNS + " FROM local_user ORDER BY username",
                DirectoryRepository::user);
    }

    Optional<LocalUser> user(Connection connection, String id) throws SQLException {
        return first(connection, "SELECT " + USER_COLUMNS + " FROM local_user WHERE id = ?", DirectoryRepository::user,
                id);
    }

    Optional<LocalUser> userByUsername(Connection connection, String username) throws SQLException {
        return first(connection, "SELECT " + USER_COLUMNS + " FROM local_user WHERE username = ?",
                DirectoryRepository::user, username);
    }

    void insert(Connection connection, LocalUser user) throws SQLException {
        update(connection, "INSERT INTO local_user (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?)", user.id(),
                user.username(), user.name(), user.passwordHash(), user.created());
    }

    /** Deletes a user; its memberships go with it ({@code ON DELETE CASCADE}). */
    void deleteUser(Connection connection, String id) throws SQLException {
        update(connection, "DELETE FROM local_user WHERE id = ?", id);
    }

    List<LocalGroup> groupsByName(Connection connection) throws SQLException {
        return list(connection, "SELECT " + GROUP_COLUMNS + " FROM local_group ORDER BY name",
                DirectoryRepository::group);
    }

    Optional<LocalGroup> group(Connection connection, String id) throws SQLException {
        return first(connection, "SELECT " + GROUP_COLUMNS + " FROM local_group WHERE id = ?",
                DirectoryRepository::group, id);
    }

    Optional<LocalGroup> groupByName(Connection connection, String name) throws SQLException {
        return first(connection, "SELECT " + GROUP_COLUMNS + " FROM local_group WHERE name = ?",
                DirectoryRepository::group, name);
    }

    void insert(Connection connection, LocalGroup group) throws SQLException {
        update(connection, "INSERT INTO local_group (" + GROUP_COLUMNS + ") VALUES (?, ?, ?)", group.id(),
                group.name(), group.created());
    }

    /** Deletes a group; its memberships go with it ({@code ON DELETE CASCADE}). */
    void deleteGroup(Connection connection, String id) throws SQLException {
        update(connection, "DELETE FROM local_group WHERE id = ?", id);
    }

    /** The ids of the groups a local user belongs to, by group name. */
    List<String> groupIdsOf(Connection connection, String userId) throws SQLException {
        return list(connection, "SELECT g.id FROM local_group g JOIN group_member m ON m.group_id = g.id"
                + " WHERE m.user_id = ? ORDER BY g.name", rows -> rows.getString(1), userId);
    }

    List<String> memberIds(Connection connection, String groupId) throws SQLException {
        return list(connection, "SELECT user_id FROM group_member WHERE group_id = ?", rows -> rows.getString(1),
                groupId);
    }

    /** Idempotent. */
    void addMember(Connection connection, String groupId, String userId) throws SQLException {
        update(connection, "INSERT INTO group_member (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                groupId, userId);
    }

    /** Answers whether the user was a member. */
    boolean removeMember(Connection connection, String groupId, String userId) throws SQLException {
        return update(connection, "DELETE FROM group_member WHERE group_id = ? AND user_id = ?", groupId, userId) > 0;
    }

    private static LocalUser user(ResultSet row) throws SQLException {
        return new LocalUser(row.getString("id"), row.getString("username"), row.getString("name"),
                row.getString("password_hash"), instant(row, "created"));
    }

    private static LocalGroup group(ResultSet row) throws SQLException {
        return new LocalGroup(row.getString("id"), row.getString("name"), instant(row, "created"));
    }
}
