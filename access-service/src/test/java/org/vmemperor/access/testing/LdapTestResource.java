package org.vmemperor.access.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real LDAP server in memory on a free port: users alice (in group ops), bob, and carol (who also exists in the
 * local realm in {@code LdapLoginTest}), under dc=example,dc=org.
 * <p>
 * Every successful simple bind's DN is recorded and handed to a test field named {@code ldapBinds}, every refused
 * one's to {@code ldapRefusedBinds} (both {@code List<String>}): the application binds as a user only to check its
 * password at login, so a user's DN in either list shows the directory was asked to check that user's password.
 */
public class LdapTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ALICE_PASSWORD = "alice-ldap-pw";
    public static final String BOB_PASSWORD = "bob-ldap-pw";
    public static final String CAROL_LDAP_PASSWORD = "carol-ldap-pw";

    private InMemoryDirectoryServer server;
    // a JDK type, so the test sees it whichever class loader loaded this resource
    private final List<String> binds = new CopyOnWriteArrayList<>();
    private final List<String> refusedBinds = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> start() {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=org");
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
            config.addAdditionalBindCredentials("cn=admin,dc=example,dc=org", "admin-pw");
            config.addInMemoryOperationInterceptor(new InMemoryOperationInterceptor() {
                @Override
                public void processSimpleBindResult(InMemoryInterceptedSimpleBindResult bind) {
                    if (bind.getResult().getResultCode().intValue() == 0) {
                        binds.add(bind.getRequest().getBindDN());
                    } else {
                        refusedBinds.add(bind.getRequest().getBindDN());
                    }
                }
            });
            server = new InMemoryDirectoryServer(config);
            server.add("dn: dc=example,dc=org", "objectClass: top", "objectClass: domain", "dc: example");
            server.add("dn: ou=users,dc=example,dc=org", "objectClass: organizationalUnit", "ou: users");
            server.add("dn: ou=groups,dc=example,dc=org", "objectClass: organizationalUnit", "ou: groups");
            addUser("alice", "Alice Liddell", ALICE_PASSWORD);
            addUser("bob", "Bob Builder", BOB_PASSWORD);
            addUser("carol", "Carol from LDAP", CAROL_LDAP_PASSWORD);
            server.add("dn: cn=ops,ou=groups,dc=example,dc=org", "objectClass: groupOfNames", "cn: ops",
                    "member: uid=alice,ou=users,dc=example,dc=org");
            server.startListening();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the LDAP test server", e);
        }
        return Map.of(
                "vmemperor.access.ldap.enabled", "true",
                "vmemperor.access.ldap.group-base-dn", "ou=groups,dc=example,dc=org",
                "vmemperor.access.ldap.url", "ldap://127.0.0.1:" + server.getListenPort(),
                "vmemperor.access.ldap.bind-dn", "cn=admin,dc=example,dc=org",
                "vmemperor.access.ldap.bind-password", "admin-pw",
                "vmemperor.access.ldap.user-base-dn", "ou=users,dc=example,dc=org");
    }

    private void addUser(String uid, String name, String password) throws Exception {
        server.add("dn: uid=" + uid + ",ou=users,dc=example,dc=org", "objectClass: inetOrgPerson", "uid: " + uid,
                "cn: " + name, "sn: " + uid, "userPassword: " + password);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(binds, field -> field.getName().equals("ldapBinds"));
        testInjector.injectIntoFields(refusedBinds, field -> field.getName().equals("ldapRefusedBinds"));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutDown(true);
        }
    }
}
