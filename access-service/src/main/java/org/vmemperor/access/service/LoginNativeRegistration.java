package org.vmemperor.access.service;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What logins load by name, for native executables: Elytron's password factory, which {@link PasswordHashes}' provider
 * instantiates through {@code java.security.Provider.Service} (reflection), and the JDK's LDAP context factory, which
 * JNDI loads from {@link LdapDirectory}'s environment. The Quarkus Security extensions registered both while
 * access-service used them. On the JVM this changes nothing; no native executable is built here (deploy/README, "Images
 * and native"), so neither is checked beyond the native build's sources.
 */
@RegisterForReflection(classNames = { "org.wildfly.security.password.impl.PasswordFactorySpiImpl",
        "com.sun.jndi.ldap.LdapCtxFactory" })
final class LoginNativeRegistration {

    private LoginNativeRegistration() {
    }
}
