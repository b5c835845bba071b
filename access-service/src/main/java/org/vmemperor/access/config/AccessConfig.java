package org.vmemperor.access.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** access-service's own settings; token and cookie settings are common's {@code vmemperor.security.*}. */
@ConfigMapping(prefix = "vmemperor.access")
public interface AccessConfig {

    /** Minimum length of a local user's password. */
    @WithDefault("8")
    int minPasswordLength();

    /** Failed-login throttling. */
    Throttle throttle();

    /** The LDAP realm. */
    Ldap ldap();

    interface Throttle {

        /** Failed logins for one user name that are answered without delay. */
        @WithDefault("5")
        int freeFailuresPerUser();

        /** Failed logins from one client address that are answered without delay. */
        @WithDefault("20")
        int freeFailuresPerAddress();

        /** The wait after the first failure beyond the free ones; it doubles with each further failure. */
        @WithDefault("1s")
        Duration baseDelay();

        /** The longest wait: throttling slows guessing down, it never locks the real user out for good. */
        @WithDefault("60s")
        Duration maxDelay();

        /** A counter with no failure for this long starts from zero again. */
        @WithDefault("15m")
        Duration forgetAfter();
    }

    interface Ldap {

        /**
         * Whether /login consults LDAP (after the local realm) and /userlist, /grouplist include LDAP entries. Off, the
         * directory is never contacted and the settings below are not used.
         */
        @WithDefault("false")
        boolean enabled();

        /** The directory, {@code ldap://} or {@code ldaps://}. */
        @WithDefault("ldap://127.0.0.1:389")
        String url();

        /** The account searches bind as; without one they are anonymous. Logins bind as the user, never as this. */
        Optional<String> bindDn();

        /** {@link #bindDn()}'s password. */
        Optional<String> bindPassword();

        /** Where users live; the whole subtree below it is searched. */
        @WithDefault("ou=users,dc=example,dc=org")
        String userBaseDn();

        /** The attribute users log in with (the RDN of their entries). */
        @WithDefault("uid")
        String rdnIdentifier();

        /** Filter selecting the users /userlist shows and who may log in, below {@link #userBaseDn()}. */
        @WithDefault("(objectClass=inetOrgPerson)")
        String userFilter();

        /** The attribute holding a user's display name. */
        @WithDefault("cn")
        String nameAttribute();

        /** Where groups live. */
        @WithDefault("ou=groups,dc=example,dc=org")
        String groupBaseDn();

        /** Filter selecting groups below {@link #groupBaseDn()}. */
        @WithDefault("(objectClass=groupOfNames)")
        String groupFilter();

        /** The attribute naming a group (and so its id, {@code groups/ldap:<name>}). */
        @WithDefault("cn")
        String groupNameAttribute();

        /** The group attribute listing member DNs. */
        @WithDefault("member")
        String memberAttribute();
    }
}
