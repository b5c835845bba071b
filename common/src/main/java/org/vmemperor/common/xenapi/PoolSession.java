package org.vmemperor.common.xenapi;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.xmlrpc.XmlRpcException;
import org.jboss.logging.Logger;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;

/**
 * The one service-account session on the pool, shared by an ordinary-call connection and a dedicated event
 * connection (an event.from long poll must never hold up other calls). Logs in lazily, logs in again when the pool
 * says SESSION_INVALID, and follows HOST_IS_SLAVE to the master. A session given up because the pool was unreachable
 * may still live on the pool (a network blip, not a restart): it is logged out once the pool answers again, since xapi
 * keeps a limited number of sessions and leaked ones would crowd out live ones.
 */
final class PoolSession {

    private static final Logger LOG = Logger.getLogger(PoolSession.class);

    /** At most this many sessions wait to be logged out; older ones are left to xapi's own expiry. */
    static final int MAX_FORGOTTEN = 16;

    private final XenApiConfig config;
    private final Supplier<Optional<String>> urlSource;
    private final CallObserver observer;
    private URL url;
    private XenConnection calls;
    private XenConnection events;
    private String sessionReference;
    /** Connections of sessions given up while the pool was unreachable, each holding its session reference. */
    private final Deque<XenConnection> forgotten = new ArrayDeque<>();

    /**
     * Told of every round trip: how long it took, on which connection ({@value XenApiMetrics#CALLS},
     * {@value XenApiMetrics#EVENTS} or {@value XenApiMetrics#JSON_RPC}), and its outcome (for metrics).
     */
    @FunctionalInterface
    interface CallObserver {
        void observe(Duration took, String connection, String outcome);
    }

    PoolSession(XenApiConfig config, Supplier<Optional<String>> urlSource) {
        this(config, urlSource, (took, connection, outcome) -> {
        });
    }

    PoolSession(XenApiConfig config, Supplier<Optional<String>> urlSource, CallObserver observer) {
        this.config = config;
        this.urlSource = urlSource;
        this.observer = observer;
    }

    /** Runs {@code call} on the ordinary connection, logging in (again) as needed. */
    <T> T call(XenCall<T> call) {
        return run(call, false);
    }

    /** Runs {@code call}, made for its effect only, on the ordinary connection. */
    void run(XenVoidCall call) {
        call(connection -> {
            call.apply(connection);
            return null;
        });
    }

    /** Runs {@code call} on the event connection, whose reply timeout covers a long poll. */
    <T> T callEvents(XenCall<T> call) {
        return run(call, true);
    }

    private <T> T run(XenCall<T> call, boolean eventConnection) {
        String tag = eventConnection ? XenApiMetrics.EVENTS : XenApiMetrics.CALLS;
        for (int attempt = 0;; attempt++) {
            XenConnection connection = connection(eventConnection);
            logOutForgotten();
            long started = System.nanoTime();
            try {
                T result = call.apply(connection);
                observe(started, tag, XenApiMetrics.SUCCESS);
                return result;
            } catch (Types.XenAPIException e) {
                List<String> error = describe(e);
                String code = error.isEmpty() ? "" : error.get(0);
                observe(started, tag, code.isEmpty() ? "INTERNAL_ERROR" : code);
                if ("SESSION_INVALID".equals(code) && attempt < 2) {
                    LOG.info("XenAPI session expired: logging in again");
                    invalidate(connection.getSessionReference());
                    continue;
                }
                if ("HOST_IS_SLAVE".equals(code) && error.size() > 1 && attempt < 2) {
                    followMaster(error.get(1));
                    continue;
                }
                throw new XenApiFailure(error);
            } catch (XmlRpcException e) {
                observe(started, tag, XenApiMetrics.UNREACHABLE);
                throw unreachable(e);
            } catch (XenApiFailure | PoolUnavailableException e) {
                throw e;
            } catch (Exception e) {
                observe(started, tag, XenApiMetrics.UNREACHABLE);
                throw unreachable(e);
            }
        }
    }

    /** The pool's URL and the logged-in session, for calls made outside the SDK (the JSON-RPC initial load). */
    record Current(URL url, String session) {
    }

    /** Logs in if needed; the session is shared with the SDK's connections. */
    synchronized Current current() {
        if (sessionReference == null) {
            try {
                login();
            } catch (XenApiFailure | PoolUnavailableException e) {
                throw e;
            } catch (Exception e) {
                throw unreachable(e);
            }
        }
        return new Current(url, sessionReference);
    }

    /** The pool answered SESSION_INVALID for this session outside the SDK: the next call logs in again. */
    void sessionRejected(String session) {
        invalidate(session);
    }

    /** A round trip ended (also those made outside the SDK: the JSON-RPC initial load). */
    void observe(long startedNanos, String connection, String outcome) {
        observer.observe(Duration.ofNanos(System.nanoTime() - startedNanos), connection, outcome);
    }

    private synchronized XenConnection connection(boolean eventConnection) {
        if (sessionReference == null) {
            login();
        }
        return eventConnection ? events : calls;
    }

    private void login() {
        URL target = url();
        for (int attempt = 0;; attempt++) {
            XenConnection loginConnection = newConnection(target, false);
            try {
                Session.loginWithPassword(loginConnection, config.username(), config.password());
                sessionReference = loginConnection.getSessionReference();
                calls = loginConnection;
                events = newConnection(target, true);
                events.useSession(sessionReference);
                LOG.infof("Logged in to the pool at %s as %s", target, config.username());
                return;
            } catch (Types.XenAPIException e) {
                List<String> error = describe(e);
                if ("HOST_IS_SLAVE".equals(error.get(0)) && error.size() > 1 && attempt < 2) {
                    target = masterUrl(target, error.get(1));
                    url = target;
                    continue;
                }
                throw new XenApiFailure(error);
            } catch (XmlRpcException e) {
                throw unreachable(e);
            }
        }
    }

    /** The session's reference, logging in first when there is none (blocking: never on the event loop). */
    String sessionReference() {
        return call(Connection::getSessionReference);
    }

    synchronized void invalidate(String staleReference) {
        if (staleReference != null && staleReference.equals(sessionReference)) {
            sessionReference = null;
        }
    }

    /** Forgets the session, e.g. after the pool was unreachable (a restarted toolstack forgets sessions). */
    synchronized void reset() {
        forgetSession();
        url = null;
    }

    /** Gives up the current session; it is logged out once a new one works. Called with the lock held. */
    private void forgetSession() {
        if (sessionReference != null && calls != null) {
            forgotten.addLast(calls);
            if (forgotten.size() > MAX_FORGOTTEN) {
                forgotten.removeFirst();
            }
        }
        sessionReference = null;
    }

    /**
     * Logs out the sessions given up while the pool was unreachable, now that a session of ours works (the pool is
     * back). Best effort: a session the pool already forgot (a restarted toolstack) answers SESSION_INVALID, and one on
     * a host that no longer answers is left to xapi's expiry.
     */
    private void logOutForgotten() {
        List<XenConnection> stale;
        synchronized (this) {
            if (forgotten.isEmpty() || sessionReference == null) {
                return;
            }
            stale = new ArrayList<>(forgotten);
            forgotten.clear();
        }
        for (XenConnection connection : stale) {
            try {
                Session.logout(connection);
                LOG.debug("Logged out a session given up while the pool was unreachable");
            } catch (Exception e) {
                // the class only: a XenAPI error here names the session reference, which is a secret
                LOG.debugf("A session given up while the pool was unreachable could not be logged out (%s)",
                        e.getClass().getSimpleName());
            }
        }
    }

    /** Sessions waiting to be logged out (for tests). */
    synchronized int forgottenSessions() {
        return forgotten.size();
    }

    private synchronized void followMaster(String masterAddress) {
        URL master = masterUrl(url(), masterAddress);
        LOG.infof("The configured host is a pool member; following the master at %s", master);
        url = master;
        sessionReference = null;
    }

    private synchronized URL url() {
        if (url == null) {
            url = parseUrl(urlSource.get()
                    .orElseThrow(() -> new PoolUnavailableException("no pool configured (vmemperor.xenapi.url)")));
        }
        return url;
    }

    static URL parseUrl(String configured) {
        try {
            return URI.create(configured).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new PoolUnavailableException("vmemperor.xenapi.url is not a valid URL: " + configured);
        }
    }

    private XenConnection newConnection(URL target, boolean eventConnection) {
        return new XenConnection(target, config.connectTimeout(),
                eventConnection ? config.eventPollTimeout().plus(config.replyTimeout()) : config.replyTimeout());
    }

    static URL masterUrl(URL current, String masterAddress) {
        try {
            return new URI(current.getProtocol(), null, masterAddress, current.getPort(), current.getPath(), null, null)
                    .toURL();
        } catch (Exception e) {
            throw new PoolUnavailableException("cannot follow HOST_IS_SLAVE to " + masterAddress, e);
        }
    }

    static List<String> describe(Types.XenAPIException e) {
        if (e.errorDescription != null && e.errorDescription.length > 0) {
            return Arrays.asList(e.errorDescription);
        }
        return List.of(e.shortDescription == null ? "INTERNAL_ERROR" : e.shortDescription);
    }

    private PoolUnavailableException unreachable(Exception cause) {
        synchronized (this) {
            forgetSession();
        }
        return new PoolUnavailableException("the pool is unreachable: " + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
