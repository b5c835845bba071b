package org.vmemperor.access.service;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import javax.naming.AuthenticationException;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vmemperor.access.config.AccessConfig;
import org.vmemperor.common.error.ApiException;

/**
 * The LDAP directory, through the JDK's JNDI: users and groups for the lists, a user's display name and groups at
 * login, and the password check at login (a bind as the user's entry, see {@link PasswordRealms}). Every call opens
 * its own connection and closes it: logins and list reads are rare, and nothing is held while the directory is down.
 */
@ApplicationScoped
public class LdapDirectory {

    private static final Logger LOG = Logger.getLogger(LdapDirectory.class);

    /** An LDAP user: its login name (the RDN value) and display name. */
    public record LdapUser(String username, String name, String dn) {
    }

    private final AccessConfig.Ldap config;

    public LdapDirectory(AccessConfig config) {
        this.config = config.ldap();
    }

    public boolean enabled() {
        return config.enabled();
    }

    public List<LdapUser> users() {
        return searchUsers(config.userFilter(), new Object[0]);
    }

    public Optional<LdapUser> user(String username) {
        String filter = "(&" + config.userFilter() + "(" + config.rdnIdentifier() + "={0}))";
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
        return search(config.userBaseDn(), filter, arguments,
                new String[] { config.rdnIdentifier(), config.nameAttribute() },
                result -> {
                    String username = first(result.getAttributes().get(config.rdnIdentifier()));
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

    /**
     * Whether {@code password} is the password of the entry {@code dn}: the directory decides, by accepting a simple
     * bind as that entry. The caller refuses an empty password first (an anonymous bind to many servers).
     */
    public boolean passwordMatches(String dn, String password) {
        Hashtable<String, String> environment = connection();
        environment.put(Context.SECURITY_AUTHENTICATION, "simple");
        environment.put(Context.SECURITY_PRINCIPAL, dn);
        environment.put(Context.SECURITY_CREDENTIALS, password);
        try {
            new InitialDirContext(environment).close();
            return true;
        } catch (AuthenticationException e) {
            return false;
        } catch (NamingException e) {
            LOG.warnf("LDAP login refused: the directory is unavailable: %s", e.getMessage());
            throw ApiException.unavailable("the LDAP directory is unavailable", 5);
        }
    }

    private interface Mapper<T> {
        T map(SearchResult result) throws NamingException;
    }

    private <T> List<T> search(String base, String filter, Object[] arguments, String[] attributes, Mapper<T> mapper) {
        DirContext context = null;
        try {
            context = new InitialDirContext(searchAccount());
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

    /** The connection searches use: the bind account when one is configured, else anonymous. */
    private Hashtable<String, String> searchAccount() {
        Hashtable<String, String> environment = connection();
        if (config.bindDn().isPresent()) {
            environment.put(Context.SECURITY_AUTHENTICATION, "simple");
            environment.put(Context.SECURITY_PRINCIPAL, config.bindDn().get());
            environment.put(Context.SECURITY_CREDENTIALS, config.bindPassword().orElse(""));
        }
        return environment;
    }

    private Hashtable<String, String> connection() {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        environment.put(Context.PROVIDER_URL, config.url());
        environment.put("com.sun.jndi.ldap.connect.timeout", "5000");
        environment.put("com.sun.jndi.ldap.read.timeout", "10000");
        return environment;
    }

    private static String first(Attribute attribute) throws NamingException {
        return attribute == null || attribute.size() == 0 ? null : String.valueOf(attribute.get(0));
    }
}
