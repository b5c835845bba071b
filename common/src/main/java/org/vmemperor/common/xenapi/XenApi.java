package org.vmemperor.common.xenapi;

import java.net.URL;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.xmlrpc.XmlRpcException;

import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;

/**
 * The services' door to the pool. Every write goes through here; reads come from {@link XenObjectCache}. SDK types
 * never cross this class's public methods.
 */
@ApplicationScoped
public class XenApi {

    private final XenApiConfig config;
    private final PoolSession session;

    public XenApi(XenApiConfig config, XenApiMetrics metrics) {
        this.config = config;
        this.session = new PoolSession(config, config::url, metrics::call);
    }

    PoolSession session() {
        return session;
    }

    /**
     * Whether the pool accepts these credentials ({@code session.login_with_password}); the session is logged out at
     * once. Used by /adminauth: whoever can log in to the pool administers VMEmperor.
     *
     * @throws PoolUnavailableException when the pool cannot be asked
     */
    public boolean checkCredentials(String username, String password) {
        URL url = PoolSession.parseUrl(config.url().orElseThrow(() -> new PoolUnavailableException("no pool configured")));
        for (int attempt = 0;; attempt++) {
            XenConnection connection = new XenConnection(url, config.connectTimeout(), config.replyTimeout());
            try {
                Session.loginWithPassword(connection, username, password);
                Session.logout(connection);
                return true;
            } catch (Types.XenAPIException e) {
                List<String> error = PoolSession.describe(e);
                switch (error.get(0)) {
                    case "SESSION_AUTHENTICATION_FAILED":
                        return false;
                    case "HOST_IS_SLAVE":
                        if (attempt < 2 && error.size() > 1) {
                            url = PoolSession.masterUrl(url, error.get(1));
                            continue;
                        }
                        throw new XenApiFailure(error);
                    default:
                        throw new XenApiFailure(error);
                }
            } catch (XmlRpcException e) {
                throw new PoolUnavailableException("the pool is unreachable", e);
            }
        }
    }

    // --- console-service ---

    /**
     * The service account's session reference, which the pool's console endpoint accepts as its {@code session_id}
     * cookie (console-service's HTTP CONNECT). A credential: never log it, never hand it to a client. Logs in when
     * there is no session yet, so it blocks: call it off the event loop.
     *
     * @throws PoolUnavailableException when the pool cannot be reached
     */
    public String consoleSessionReference() {
        return session.sessionReference();
    }

    /**
     * The pool refused {@code staleReference} (401/403 on its console endpoint, e.g. after a toolstack restart): forget
     * it, so that the next call logs in again. A newer session is kept.
     */
    public void consoleSessionRejected(String staleReference) {
        session.invalidate(staleReference);
    }

    // --- inventory-service writes ---

    /**
     * Starts {@code Async.VDI.destroy} and answers the XenAPI task's ref; the outcome (VDI_IN_USE for a disk in use, for
     * one) is the task's. Takes the ref from the cache, which saves a {@code get_by_uuid} round trip.
     *
     * @throws XenApiFailure when the pool refuses to start the task (an unknown ref: HANDLE_INVALID)
     */
    public String destroyVdiAsync(String vdiRef) {
        return session.call(connection -> Types.toVDI(vdiRef).destroyAsync(connection).toWireString());
    }
}
