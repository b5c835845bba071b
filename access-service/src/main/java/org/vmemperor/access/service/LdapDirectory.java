package org.vmemperor.access.service;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.vmemperor.access.config.AccessConfig;
import org.vmemperor.common.error.ApiException;

/**
 * Reads the LDAP directory: users and groups for the lists, a user's display name and groups at login. It never
 * checks passwords: Quarkus' LDAP realm does (see {@link ChainedIdentityProvider}); both use the same
 * {@code quarkus.security.ldap.*} connection settings.
 */
@ApplicationScoped
public class LdapDirectory {

    private static final Logger LOG = Logger.getLogger(LdapDirectory.class);

    /** An LDAP user: its login name (the RDN value) and display name. */
    public record LdapUser(String username, String name, String dn) {
    }

    private final AccessConfig.Ldap config;
    private final String url;
    private final Optional<String> bindDn;
    private final Optional<String> bindPassword;
    private final String userBaseDn;
    private final String rdnIdentifier;

    public LdapDirectory(AccessConfig config,
            @ConfigProperty(name = "quarkus.security.ldap.dir-context.url") String url,
            @ConfigProperty(name = "quarkus.security.ldap.dir-context.principal") Optional<String> bindDn,
            @ConfigProperty(name = "quarkus.security.ldap.dir-context.password") Optional<String> bindPassword,
            @ConfigProperty(name = "quarkus.security.ldap.identity-mapping.search-base-dn") String userBaseDn,
            @ConfigProperty(name = "quarkus.security.ldap.identity-mapping.rdn-identifier", defaultValue = "uid") String rdnIdentifier) {
        this.config = config.ldap();
        this.url = url;
        this.bindDn = bindDn;
        this.bindPassword = bindPassword;
        this.userBaseDn = userBaseDn;
        this.rdnIdentifier = rdnIdentifier;
    }

    public boolean enabled() {
        return config.enabled();
    }

    public List<LdapUser> users() {
        return searchUsers(config.userFilter(), new Object[0]);
    }

    public Optional<LdapUser> user(String username) {
        String filter = "(&" + config.userFilter() + "(" + rdnIdentifier + "={0}))";
        return searchUsers(filter, new Object[] { username }).stream().findFirst();
    }

    /** All group names. */
    public List<String> groups() {
        return searchGroups(config.groupFilter(), new Object[0]);
    }

    public boolean groupExists(String name) {
        return !searchGroups("(&" + config.groupFilter() + "(" + config.groupNameAttribute() + "={0}))",
                new Object[] { name }).isEmpty();
    }

    /** The names of the groups listing {@code userDn} as a member. */
    public List<String> groupsOf(String userDn) {
        return searchGroups("(&" + config.groupFilter() + "(" + config.memberAttribute() + "={0}))",
                new Object[] { userDn });
    }

    private List<LdapUser> searchUsers(String filter, Object[] arguments) {
        if (!enabled()) {
            return List.of();
        }
        return search(userBaseDn, filter, arguments, new String[] { rdnIdentifier, config.nameAttribute() },
                result -> {
                    String username = first(result.getAttributes().get(rdnIdentifier));
                    String name = first(result.getAttributes().get(config.nameAttribute()));
                    return username == null ? null
                            : new LdapUser(username, name == null ? username : name, result.getNameInNamespace());
                });
    }

    private List<String> searchGroups(String filter, Object[] arguments) {
        if (!enabled()) {
            return List.of();
        }
        return search(config.groupBaseDn(), filter, arguments, new String[] { config.groupNameAttribute() },
                result -> first(result.getAttributes().get(config.groupNameAttribute())));
    }

    private interface Mapper<T> {
        T map(SearchResult result) throws NamingException;
    }

    private <T> List<T> search(String base, String filter, Object[] arguments, String[] attributes, Mapper<T> mapper) {
        DirContext context = null;
        try {
            context = new InitialDirContext(environment());
            SearchControls controls = new SearchControls();
            controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
            controls.setReturningAttributes(attributes);
            List<T> found = new ArrayList<>();
            // filter arguments are escaped by JNDI: user input never becomes filter syntax
            NamingEnumeration<SearchResult> results = context.search(base, filter, arguments, controls);
            while (results.hasMore()) {
                T item = mapper.map(results.next());
                if (item != null) {
                    found.add(item);
                }
            }
            return found;
        } catch (NamingException e) {
            LOG.warnf("LDAP search below %s failed: %s", base, e.getMessage());
            throw ApiException.unavailable("the LDAP directory is unavailable", 5);
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (NamingException e) {
                    // nothing to do: the connection is gone either way
                }
            }
        }
    }

    private Hashtable<String, String> environment() {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        environment.put(Context.PROVIDER_URL, url);
        environment.put("com.sun.jndi.ldap.connect.timeout", "5000");
        environment.put("com.sun.jndi.ldap.read.timeout", "10000");
        if (bindDn.isPresent()) {
            environment.put(Context.SECURITY_AUTHENTICATION, "simple");
            environment.put(Context.SECURITY_PRINCIPAL, bindDn.get());
            environment.put(Context.SECURITY_CREDENTIALS, bindPassword.orElse(""));
        }
        return environment;
    }

    private static String first(Attribute attribute) throws NamingException {
        return attribute == null || attribute.size() == 0 ? null : String.valueOf(attribute.get(0));
    }
}
