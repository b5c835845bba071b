package org.vmemperor.common.security;

import java.util.ArrayList;
import java.util.List;

/**
 * Who is calling: the identity carried by a verified session token.
 *
 * @param id the principal id as stored in access rights, {@code users/<id>}
 * @param name display name
 * @param username the login name
 * @param groups group principal ids, {@code groups/<id>}
 * @param admin whether the caller logged in through /adminauth (administrators pass every check)
 */
public record UserPrincipal(String id, String name, String username, List<String> groups, boolean admin) {

    public static final String USER_PREFIX = "users/";
    public static final String GROUP_PREFIX = "groups/";

    public UserPrincipal {
        groups = List.copyOf(groups);
    }

    /** The user's own id followed by its group ids: every key of an access entry that speaks for this caller. */
    public List<String> principalIds() {
        List<String> ids = new ArrayList<>(groups.size() + 1);
        ids.add(id);
        ids.addAll(groups);
        return ids;
    }

    /** The id without its {@code users/} prefix, as /userlist and /userinfo show it. */
    public String bareId() {
        return id.startsWith(USER_PREFIX) ? id.substring(USER_PREFIX.length()) : id;
    }
}
