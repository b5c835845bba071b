package org.vmemperor.common.access;

import java.util.List;
import java.util.Map;

import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.xenapi.XenObject;

/**
 * The access-rights rules every service enforces, on an object's {@code other_config} map. Pure functions: no pool,
 * no database. A user passes when an entry for the user or one of its groups holds the action or {@code all};
 * administrators pass everything.
 */
public final class AccessRights {

    /** The {@code other_config} key holding {@code {"access": {...}}}. */
    public static final String OTHER_CONFIG_KEY = "vmemperor";

    private AccessRights() {
    }

    /** Whether {@code user} may perform {@code action} on a cached object (its rights parsed once per version). */
    public static boolean check(UserPrincipal user, XenObject object, Action action) {
        return user.admin() || object.access().holds(user, action);
    }

    /** {@link #check(UserPrincipal, XenObject, Action)} or 403 {@code access denied}. */
    public static void require(UserPrincipal user, XenObject object, Action action) {
        if (!check(user, object, action)) {
            throw ApiException.accessDenied("no '" + action.wireName() + "' right on this object");
        }
    }

    /** Whether {@code user} holds any right on a cached object: what lists filter by. */
    public static boolean canSee(UserPrincipal user, XenObject object) {
        return canSee(user, object.access());
    }

    /** Whether {@code user} holds any right in these rights (administrators always do). */
    public static boolean canSee(UserPrincipal user, AccessList rights) {
        return user.admin() || rights.holdsAny(user);
    }

    /** Whether {@code user} may perform {@code action} on the object with this {@code other_config}. */
    public static boolean check(UserPrincipal user, Map<String, String> otherConfig, Action action) {
        return user.admin() || AccessList.fromOtherConfig(otherConfig).holds(user, action);
    }

    /** {@link #check} or 403 {@code access denied}. */
    public static void require(UserPrincipal user, Map<String, String> otherConfig, Action action) {
        if (!check(user, otherConfig, action)) {
            throw ApiException.accessDenied("no '" + action.wireName() + "' right on this object");
        }
    }

    /** Whether {@code user} holds any right on the object: what lists filter by and what /getaccess needs. */
    public static boolean canSee(UserPrincipal user, Map<String, String> otherConfig) {
        return user.admin() || canSee(user, AccessList.fromOtherConfig(otherConfig));
    }

    /** The spec's list form of the object's rights. */
    public static List<AccessEntry> entries(Map<String, String> otherConfig) {
        return AccessList.fromOtherConfig(otherConfig).entries();
    }

    /** The new {@code other_config["vmemperor"]} value after granting; {@code currentJson} may be {@code null}. */
    public static String grant(String currentJson, String principalId, Action action) {
        return AccessList.parse(currentJson).grant(requirePrincipalId(principalId), action).toJson(currentJson);
    }

    /** The new {@code other_config["vmemperor"]} value after revoking; {@code currentJson} may be {@code null}. */
    public static String revoke(String currentJson, String principalId, Action action) {
        return AccessList.parse(currentJson).revoke(requirePrincipalId(principalId), action).toJson(currentJson);
    }

    /** The creator of a VM (and of the disks made for it) gets {@code all} on it. */
    public static String creatorGrant(String currentJson, UserPrincipal creator) {
        return grant(currentJson, creator.id(), Action.ALL);
    }

    /** Whether {@code id} is a {@code users/<id>} or {@code groups/<id>} principal id. */
    public static boolean isPrincipalId(String id) {
        return id != null && ((id.startsWith(UserPrincipal.USER_PREFIX) && id.length() > UserPrincipal.USER_PREFIX.length())
                || (id.startsWith(UserPrincipal.GROUP_PREFIX) && id.length() > UserPrincipal.GROUP_PREFIX.length()));
    }

    private static String requirePrincipalId(String id) {
        if (!isPrincipalId(id)) {
            throw ApiException.badRequest("not a principal id: users/<id> or groups/<id>");
        }
        return id;
    }
}
