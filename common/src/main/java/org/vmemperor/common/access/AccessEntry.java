package org.vmemperor.common.access;

import java.util.List;

/**
 * One principal's rights in the spec's list form: {@code {"userid": "users/<id>", "access": ["launch"]}}. The field
 * is called {@code userid} for groups too ({@code "groups/<id>"}), as the original API did.
 */
public record AccessEntry(String userid, List<String> access) {

    public AccessEntry {
        access = List.copyOf(access);
    }
}
