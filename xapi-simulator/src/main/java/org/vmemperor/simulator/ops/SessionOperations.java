package org.vmemperor.simulator.ops;

import java.time.Instant;
import java.util.Map;

import org.vmemperor.simulator.rpc.MethodRegistry;
import org.vmemperor.simulator.rpc.MethodSpec;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.store.ObjectStore;

/** Login and logout for the single local superuser "root". */
public final class SessionOperations {
    public static final String ROOT = "root";

    private final ObjectStore store;
    private final String rootPassword;

    public SessionOperations(ObjectStore store, String rootPassword) {
        this.store = store;
        this.rootPassword = rootPassword;
    }

    public void register(MethodRegistry methods) {
        // version and originator may be omitted, as the SDK's two- and three-argument overloads do
        methods.register(new MethodSpec("session.login_with_password", 2, 4, false, false, true,
                (ctx, p) -> login(p.str(0), p.str(1), p.str(3))));
        methods.query("session.logout", 0, (ctx, p) -> {
            store.destroy("session", ctx.session());
            return null;
        });
        methods.query("session.local_logout", 0, (ctx, p) -> {
            store.destroy("session", ctx.session());
            return null;
        });
    }

    /** Also used by the console endpoint for Basic auth. */
    public boolean validCredentials(String user, String password) {
        return ROOT.equals(user) && rootPassword.equals(password);
    }

    public String login(String user, String password, String originator) {
        if (!validCredentials(user, password)) {
            throw new XapiError("SESSION_AUTHENTICATION_FAILED", user, "Authentication failure");
        }
        String host = store.refs("host").isEmpty() ? ObjectStore.NULL_REF : store.refs("host").get(0);
        return store.create("session",
                Map.of("this_host", host, "last_active", Instant.now(), "validation_time", Instant.now(),
                        "is_local_superuser", true, "auth_user_name", user, "originator", originator, "pool",
                        false));
    }
}
