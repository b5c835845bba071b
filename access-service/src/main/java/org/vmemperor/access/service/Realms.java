package org.vmemperor.access.service;

/** Id prefixes that keep principal ids of different realms apart. Local ids are bare UUIDs. */
public final class Realms {

    /** LDAP users and groups: {@code users/ldap:<uid>}, {@code groups/ldap:<cn>}. */
    public static final String LDAP = "ldap:";
    /** Pool administrators who logged in through /adminauth: {@code users/xen:<username>}. */
    public static final String POOL = "xen:";

    private Realms() {
    }
}
