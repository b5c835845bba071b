package org.vmemperor.vm.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

import org.jboss.logging.Logger;
import org.vmemperor.common.metrics.Gauges;
import org.vmemperor.common.security.SecurityConfig;
import org.vmemperor.common.security.SessionTokens;
import org.vmemperor.common.security.TokenVerifier;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.security.VerifiedToken;
import org.vmemperor.common.view.VmRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * WebSocket /vmlist: on connect one {@code {"type": "initial", ...record}} per VM the user holds any right on, then
 * {@code {"type": "add", ...record}}, {@code {"type": "change", "old_val", "new_val"}} and
 * {@code {"type": "remove", "old_val"}} as the pool changes. A VM the user gains a right on arrives as {@code add}, one
 * the user loses every right on leaves as {@code remove}. Authenticated by the session cookie or
 * {@code Authorization: Bearer}; without a valid one the socket is closed with 4401 at once (the JAX-RS filter does not
 * cover WebSockets). An open socket is closed with 4401 as well once its token expires (at {@code exp} plus the clock
 * skew the verifier tolerates, i.e. when a reconnect with it would be refused too) or is revoked: logged out, its user
 * deleted or removed from a group (checked every {@code vmemperor.vmlist.revocation-check-interval} with
 * {@link TokenVerifier#isStillValid}, over the revocation list every replica shares). Methods
 * returning void run on a worker thread: token verification may query the database.
 */
@WebSocket(path = "/vmlist")
public class VmListSocket {

    private static final Logger LOG = Logger.getLogger(VmListSocket.class);
    static final int NOT_AUTHORIZED = 4401;

    /** An open, authenticated socket: what to stop when it closes, and the token it lives on. */
    private record Session(WebSocketConnection connection, VerifiedToken token, AutoCloseable subscription,
            ScheduledFuture<?> expiry) {
    }

    private final SessionTokens sessionTokens;
    private final TokenVerifier verifier;
    private final Duration clockSkew;
    private final VmRecordFeed feed;
    private final ObjectMapper json;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Expiry closes, one timer per socket (the periodic revocation check is quarkus-scheduler's). */
    private final ScheduledExecutorService watch;
    /** The messages of the last diff the feed handed out (see {@link #messages}). */
    private volatile DiffMessages lastDiff;

    /**
     * {@code config} is not read here: it is injected so that Quarkus registers the mapping, whose documented default
     * the {@link #checkRevocations} schedule reads.
     */
    public VmListSocket(SessionTokens sessionTokens, TokenVerifier verifier, SecurityConfig security,
            VmListConfig config, VmRecordFeed feed, ObjectMapper json, MeterRegistry metrics) {
        Gauges.registerFresh(metrics, Gauge.builder("vmemperor.vmlist.sockets", sessions, Map::size)
                .description("open, authenticated /vmlist sockets"));
        this.sessionTokens = sessionTokens;
        this.verifier = verifier;
        this.clockSkew = security.clockSkew();
        this.feed = feed;
        this.json = json;
        this.watch = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "vmlist-sessions");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Every {@code vmemperor.vmlist.revocation-check-interval} (VmListConfig), on a scheduler
     * worker thread: the check may wait on PostgreSQL, which neither the event loop nor the cache's event thread may.
     */
    @Scheduled(identity = "vmlist-revocation-check", every = "{vmemperor.vmlist.revocation-check-interval}", concurrentExecution = ConcurrentExecution.SKIP)
    void checkRevocations() {
        try {
            closeRevoked();
        } catch (RuntimeException e) {
            LOG.warnf("/vmlist revocation check failed: %s", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        watch.shutdownNow();
    }

    @OnOpen
    public void onOpen(WebSocketConnection connection) {
        Optional<VerifiedToken> token;
        try {
            token = sessionTokens.authenticate(connection.handshakeRequest().header("Authorization"),
                    connection.handshakeRequest().header("Cookie"));
        } catch (RuntimeException e) {
            // an unreachable revocation list fails closed, as on the REST routes
            token = Optional.empty();
        }
        if (token.isEmpty()) {
            connection.close(new CloseReason(NOT_AUTHORIZED, "not authorized")).subscribe().with(ok -> {
            }, failure -> LOG.debug("closing an unauthenticated /vmlist socket failed", failure));
            return;
        }
        UserPrincipal user = token.get().principal();
        try {
            AutoCloseable subscription = feed.open(
                    initial -> initial.stream().filter(snapshot -> visible(user, snapshot))
                            .forEach(snapshot -> send(connection, flat("initial", snapshot.record()))),
                    diff -> onDiff(connection, user, diff));
            // the verifier accepts a token until exp + skew: closing earlier would only make the client reconnect
            // with the same token, be accepted, and be closed again at once
            long untilExpiry = Duration.between(Instant.now(), token.get().expiresAt().plus(clockSkew)).toMillis();
            ScheduledFuture<?> expiry = watch.schedule(() -> closeUnauthorized(connection.id(), "session expired"),
                    Math.max(0, untilExpiry), TimeUnit.MILLISECONDS);
            sessions.put(connection.id(), new Session(connection, token.get(), subscription, expiry));
            if (!connection.isOpen()) {
                // the client left while we subscribed: @OnClose may have run before the session was registered
                end(connection.id());
            } else if (expiry.isDone() && sessions.containsKey(connection.id())) {
                // a token in its last milliseconds: the expiry ran before the session was registered and found none
                closeUnauthorized(connection.id(), "session expired");
            }
        } catch (RuntimeException e) {
            LOG.warnf("Cannot open /vmlist: %s", e.getMessage());
            connection.close(new CloseReason(1011, "the pool is unavailable")).subscribe().with(ok -> {
            }, failure -> LOG.debug("closing a /vmlist socket failed", failure));
        }
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        end(connection.id());
    }

    /** Stops a socket's stream and its expiry; answers the session if it was still registered (once per socket). */
    private Session end(String connectionId) {
        Session session = sessions.remove(connectionId);
        if (session != null) {
            session.expiry().cancel(false);
            try {
                session.subscription().close();
            } catch (Exception e) {
                LOG.debug("unsubscribing a /vmlist socket failed", e);
            }
        }
        return session;
    }

    /** Ends the stream before closing, so that nothing more reaches a client whose session is over. */
    private void closeUnauthorized(String connectionId, String reason) {
        Session session = end(connectionId);
        if (session != null) {
            session.connection().close(new CloseReason(NOT_AUTHORIZED, reason)).subscribe().with(ok -> {
            }, failure -> LOG.debug("closing a /vmlist socket failed", failure));
        }
    }

    private void closeRevoked() {
        for (Session session : sessions.values()) {
            boolean valid;
            try {
                valid = verifier.isStillValid(session.token());
            } catch (RuntimeException e) {
                // the session store is unreachable: the socket was authenticated, so it stays open and the check is
                // repeated next round rather than dropping every stream during a database hiccup
                LOG.debugf("/vmlist revocation check postponed: %s", e.getMessage());
                return;
            }
            if (!valid) {
                closeUnauthorized(session.connection().id(), "session revoked");
            }
        }
    }

    private void onDiff(WebSocketConnection connection, UserPrincipal user, VmRecordFeed.Diff diff) {
        if (!connection.isOpen()) {
            return;
        }
        boolean before = diff.before() != null && visible(user, diff.before());
        boolean after = diff.after() != null && visible(user, diff.after());
        if (before && after) {
            send(connection, messages(diff).change());
        } else if (after) {
            send(connection, messages(diff).add());
        } else if (before) {
            send(connection, messages(diff).remove());
        }
    }

    /**
     * The messages of the diff being handed out: the feed gives one diff to every open socket in turn, on one thread,
     * so each message is written once per diff rather than once per socket (1,000 sockets made 1,000 copies of the
     * same JSON on the cache's event thread before the last socket got its push).
     */
    private DiffMessages messages(VmRecordFeed.Diff diff) {
        DiffMessages messages = lastDiff;
        if (messages == null || messages.diff != diff) {
            messages = new DiffMessages(diff);
            lastDiff = messages;
        }
        return messages;
    }

    /** One diff's change, add and remove messages, each written when a socket first needs it. */
    private final class DiffMessages {
        private final VmRecordFeed.Diff diff;
        private String change;
        private String add;
        private String remove;

        DiffMessages(VmRecordFeed.Diff diff) {
            this.diff = diff;
        }

        String change() {
            if (change == null) {
                ObjectNode message = json.createObjectNode();
                message.put("type", "change");
                message.set("old_val", json.valueToTree(diff.before().record()));
                message.set("new_val", json.valueToTree(diff.after().record()));
                change = message.toString();
            }
            return change;
        }

        String add() {
            if (add == null) {
                add = flat("add", diff.after().record()).toString();
            }
            return add;
        }

        String remove() {
            if (remove == null) {
                ObjectNode message = json.createObjectNode();
                message.put("type", "remove");
                message.set("old_val", json.valueToTree(diff.before().record()));
                remove = message.toString();
            }
            return remove;
        }
    }

    private static boolean visible(UserPrincipal user, VmRecordFeed.Snapshot snapshot) {
        return user.admin() || snapshot.access().holdsAny(user);
    }

    private ObjectNode flat(String type, VmRecord record) {
        ObjectNode message = json.createObjectNode();
        message.put("type", type);
        message.setAll((ObjectNode) json.valueToTree(record));
        return message;
    }

    private void send(WebSocketConnection connection, ObjectNode message) {
        send(connection, message.toString());
    }

    private void send(WebSocketConnection connection, String message) {
        connection.sendText(message).subscribe().with(ok -> {
        }, failure -> LOG.debugf("a /vmlist message was not delivered: %s", failure.getMessage()));
    }

}
