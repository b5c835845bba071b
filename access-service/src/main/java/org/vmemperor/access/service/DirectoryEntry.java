package org.vmemperor.access.service;

/**
 * A user or group as /userlist and /grouplist show it. {@code id} is the bare id (without {@code users/} or
 * {@code groups/}): a UUID for the local realm, {@code ldap:<name>} for LDAP. Groups repeat their name as
 * {@code username}, as the spec's example does.
 */
public record DirectoryEntry(String id, String name, String username) {
}
