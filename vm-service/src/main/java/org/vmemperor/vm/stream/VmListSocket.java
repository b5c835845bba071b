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
import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.metrics.Gauges;
import org.vmemperor.common.security.SecurityConfig;
import org.vmemperor.common.security.SessionTokens;
import org.vmemperor.common.security.TokenVerifier;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.security.VerifiedToken;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
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
 * {@link TokenVerifier#isStillValid}, over the revocation list every replica shares). A client that leaves more than
 * {@code vmemperor.vmlist.max-unsent} bytes unread when a change comes is closed with 1013 ({@link Outboxes}). Methods
 * returning void run on a worker thread: token verification may query the database.
 */
@WebSocket(path = "/vmlist")
public class VmListSocket {

    private static final Logger LOG = Logger.getLogger(VmListSocket.class);
    static final int NOT_AUTHORIZED = 4401;
    /** RFC 6455's "try again later": the client reconnects and starts again from a fresh initial list. */
    static final int TOO_SLOW = 1013;

    /** An open, authenticated socket: what to stop when it closes, and the token it lives on. */
    private record Session(WebSocketConnection connection, VerifiedToken token, AutoCloseable subscription,
            ScheduledFuture<?> expiry) {
    }

    private final SessionTokens sessionTokens;
    private final TokenVerifier verifier;
    private final Duration clockSkew;
    private final VmRecordFeed feed;
    private final VmListMessages messages;
    private final Outboxes outboxes;
    private final Counter closedTooSlow;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Expiry closes, one timer per socket (the periodic revocation check is quarkus-scheduler's). */
    private final ScheduledExecutorService watch;
    /** The messages of the last diff the feed handed out (see {@link #messages}). */
    private volatile DiffMessages lastDiff;

    /** {@code config} is also what the {@link #checkRevocations} schedule reads its interval from. */
    public VmListSocket(SessionTokens sessionTokens, TokenVerifier verifier, SecurityConfig security,
            VmListConfig config, VmRecordFeed feed, ObjectMapper json, MeterRegistry metrics) {
        Gauges.registerFresh(metrics, Gauge.builder("vmemperor.vmlist.sockets", sessions, Map::size)
                .description("open, authenticated /vmlist sockets"));
        this.sessionTokens = sessionTokens;
        this.verifier = verifier;
        this.clockSkew = security.clockSkew();
        this.feed = feed;
        this.messages = new VmListMessages(json);
        this.outboxes = new Outboxes(config.maxUnsent().asLongValue());
        this.closedTooSlow = Counter.builder("vmemperor.vmlist.closed.too.slow")
                .description("/vmlist sockets closed because their client left too many bytes unread")
                .register(metrics);
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
            Outboxes.Outbox outbox = outboxes.open(connection, () -> closeTooSlow(connection.id()));
            AutoCloseable subscription = feed.open(
                    initial -> initial.stream().filter(snapshot -> visible(user, snapshot))
                            .forEach(snapshot -> outbox.send(messages.initial(snapshot), false)),
                    diff -> onDiff(outbox, user, diff));
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

    /**
     * On the socket's event loop, once: its client has left more than {@code vmemperor.vmlist.max-unsent} bytes
     * unread. The stream ends first; the close frame queues behind what the client has not read, and Vert.x ends the
     * connection if the client does not answer it.
     */
    private void closeTooSlow(String connectionId) {
        Session session = end(connectionId);
        if (session != null) {
            closedTooSlow.increment();
            LOG.infof("/vmlist socket of %s closed: the client left too many bytes unread",
                    session.token().principal().username());
            session.connection().close(new CloseReason(TOO_SLOW, "client too slow")).subscribe().with(ok -> {
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
                // the expiry timer and this check may both be due at exp + skew: whichever runs first names the cause
                closeUnauthorized(session.connection().id(),
                        verifier.isExpired(session.token()) ? "session expired" : "session revoked");
            }
        }
    }

    private void onDiff(Outboxes.Outbox outbox, UserPrincipal user, VmRecordFeed.Diff diff) {
        // no check that the socket is open here: it took a lock per socket on the cache's event thread (an eighth of
        // its time in a push, JFR); the outbox checks on the socket's event loop, where the write happens
        boolean before = diff.before() != null && visible(user, diff.before());
        boolean after = diff.after() != null && visible(user, diff.after());
        if (before && after) {
            outbox.send(messages(diff).change(), true);
        } else if (after) {
            outbox.send(messages(diff).add(), true);
        } else if (before) {
            outbox.send(messages(diff).remove(), true);
        }
    }

    /**
     * The messages of the diff being handed out: the feed gives one diff to every open socket in turn, on one thread,
     * so each message is written once per diff rather than once per socket (1,000 sockets made 1,000 copies of the
     * same JSON on the cache's event thread before the last socket got its push), and the same bytes go to every
     * socket that gets it.
     */
    private DiffMessages messages(VmRecordFeed.Diff diff) {
        DiffMessages current = lastDiff;
        if (current == null || current.diff != diff) {
            current = new DiffMessages(diff);
            lastDiff = current;
        }
        return current;
    }

    /** One diff's change, add and remove messages, each written when a socket first needs it. */
    private final class DiffMessages {
        private final VmRecordFeed.Diff diff;
        private byte[] change;
        private byte[] add;
        private byte[] remove;

        DiffMessages(VmRecordFeed.Diff diff) {
            this.diff = diff;
        }

        byte[] change() {
            if (change == null) {
                change = messages.change(diff.before(), diff.after());
            }
            return change;
        }

        byte[] add() {
            if (add == null) {
                add = messages.add(diff.after());
            }
            return add;
        }

        byte[] remove() {
            if (remove == null) {
                remove = messages.remove(diff.before());
            }
            return remove;
        }
    }

    private static boolean visible(UserPrincipal user, VmRecordFeed.Snapshot snapshot) {
        return AccessRights.canSee(user, snapshot.access());
    }
}
