package org.vmemperor.console.relay;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.metrics.Gauges;
import org.vmemperor.common.security.SessionTokens;
import org.vmemperor.common.security.TokenVerifier;
import org.vmemperor.common.security.VerifiedToken;
import org.vmemperor.common.view.InventoryViews;
import org.vmemperor.common.view.VmViews;
import org.vmemperor.common.xenapi.CacheChange;
import org.vmemperor.common.xenapi.CacheListener;
import org.vmemperor.common.xenapi.PoolUnavailableException;
import org.vmemperor.common.xenapi.XenApi;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.console.config.ConsoleConfig;
import org.vmemperor.console.service.ConsoleTickets;
import org.vmemperor.console.service.VncService;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;

/**
 * The /console WebSockets of this instance: admits each one by its secret, connects it to the VM's console and keeps
 * it open until one side leaves, the VM stops or goes away, the user loses the right or the session, or nothing moves
 * for the idle timeout. Logs one line per console (user, VM, duration, bytes; never a secret or session id) and counts
 * open consoles and bytes relayed.
 */
@ApplicationScoped
public class ConsoleSessions implements CacheListener {

    /** Thrown during admission: the WebSocket is closed with this code and reason. */
    static final class Refused extends RuntimeException {
        private final transient ConsoleClose close;

        Refused(int code, String reason) {
            super(reason, null, false, false);
            this.close = new ConsoleClose(code, reason);
        }

        ConsoleClose close() {
            return close;
        }
    }

    private final Vertx vertx;
    private final ConsoleTickets tickets;
    private final VncService vnc;
    private final XenObjectCache cache;
    private final XenApi xenApi;
    private final SessionTokens sessionTokens;
    private final TokenVerifier tokens;
    private final ConsoleConfig config;
    private final PoolConsoleConnector connector;
    private final Set<ConsoleRelay> open = ConcurrentHashMap.newKeySet();
    private final Counter bytesToVm;
    private final Counter bytesToClient;

    public ConsoleSessions(Vertx vertx, ConsoleTickets tickets, VncService vnc, XenObjectCache cache, XenApi xenApi,
            SessionTokens sessionTokens, TokenVerifier tokens, ConsoleConfig config,
            PoolConsoleConnector connector, MeterRegistry metrics) {
        this.vertx = vertx;
        this.tickets = tickets;
        this.vnc = vnc;
        this.cache = cache;
        this.xenApi = xenApi;
        this.sessionTokens = sessionTokens;
        this.tokens = tokens;
        this.config = config;
        this.connector = connector;
        Gauges.registerFresh(metrics, Gauge.builder("vmemperor.console.open", open, Set::size)
                .description("open consoles on this instance"));
        this.bytesToVm = Counter.builder("vmemperor.console.bytes").description("bytes relayed by /console")
                .baseUnit("bytes").tag("direction", "to_vm").register(metrics);
        this.bytesToClient = Counter.builder("vmemperor.console.bytes").description("bytes relayed by /console")
                .baseUnit("bytes").tag("direction", "to_client").register(metrics);
    }

    void onStart(@Observes StartupEvent event) {
        cache.subscribe(this);
    }

    @PreDestroy
    void stop() {
        closeAll(new ConsoleClose(ConsoleClose.GOING_AWAY, "the console service is shutting down"));
    }

    /** How many consoles are open on this instance. */
    public int openCount() {
        return open.size();
    }

    /**
     * Takes an accepted WebSocket: checks its secret (on a worker: the database and possibly a pool login), connects
     * to the VM's console and starts relaying, or closes it with the reason it was refused.
     *
     * @param authorization the upgrade's {@code Authorization} header, or null
     * @param cookie the upgrade's {@code Cookie} header, or null: a session of another user refuses the secret
     */
    public void open(ServerWebSocket ws, String secret, String authorization, String cookie) {
        ws.pause();
        Future<Admission> admitted = vertx.executeBlocking(() -> admit(secret, authorization, cookie), false);
        admitted.compose(this::connect).onComplete(result -> {
            if (result.succeeded()) {
                Admission admission = admitted.result();
                ConsoleRelay relay = new ConsoleRelay(ws, result.result().socket(), admission, bytesToVm::increment,
                        bytesToClient::increment, this::ended);
                open.add(relay);
                relay.start(result.result().early());
                if (ws.isClosed()) {
                    // the browser left while we were connecting: its close handler was not ours yet
                    relay.close(new ConsoleClose(ConsoleClose.NORMAL, "closed by the client"));
                }
                // the VM may have stopped while we connected: the change feed did not know this relay yet
                checkVm(relay);
                return;
            }
            ConsoleClose close = refusal(result.cause());
            String user = admitted.succeeded() ? admitted.result().ticket().principal().id() : "-";
            String vm = admitted.succeeded() ? admitted.result().ticket().vmUuid() : "-";
            Log.infof("console refused: user=%s vm=%s code=%d reason=%s", user, vm, close.code(), close.reason());
            if (!ws.isClosed()) {
                ws.close(close.code(), close.reason());
            }
        });
    }

    private Future<PoolConsoleConnector.Tunnel> connect(Admission admission) {
        return connector.connect(admission.location(), admission.sessionReference()).recover(failure -> {
            if (failure instanceof PoolConsoleConnector.RefusedByPool refused
                    && (refused.status() == 401 || refused.status() == 403)) {
                // the pool forgot our session (a toolstack restart): log in again once
                return vertx.executeBlocking(() -> {
                    xenApi.consoleSessionRejected(admission.sessionReference());
                    return xenApi.consoleSessionReference();
                }, false).compose(fresh -> connector.connect(admission.location(), fresh));
            }
            return Future.failedFuture(failure);
        });
    }

    /** Blocking: the database (the secret, the revocation list) and possibly a pool login. */
    private Admission admit(String secret, String authorization, String cookie) {
        if (secret == null || secret.isBlank()) {
            throw new Refused(ConsoleClose.SECRET_REFUSED, "console secret missing: ask POST /vnc for a URL");
        }
        ConsoleTickets.Consumed consumed;
        try {
            consumed = tickets.consume(secret);
        } catch (RuntimeException e) {
            Log.warnf("console secrets unavailable: %s", e.getMessage());
            throw new Refused(ConsoleClose.UNAVAILABLE, "the database is unavailable: try again");
        }
        if (!consumed.accepted()) {
            throw new Refused(ConsoleClose.SECRET_REFUSED, consumed.refusal().message());
        }
        ConsoleTickets.Ticket ticket = consumed.ticket();
        if (authorization != null || cookie != null) {
            Optional<VerifiedToken> caller;
            try {
                caller = sessionTokens.authenticate(authorization, cookie);
            } catch (RuntimeException e) {
                caller = Optional.empty();
            }
            // the secret is the credential, but a browser that carries another user's session is not that user
            if (caller.isPresent() && !caller.get().principal().id().equals(ticket.principal().id())) {
                throw new Refused(ConsoleClose.ACCESS_DENIED, "this console secret belongs to another user");
            }
        }
        sessionEnded(ticket).ifPresent(reason -> {
            throw new Refused(ConsoleClose.SESSION_ENDED, reason);
        });
        try {
            XenObject vm = cache.byUuid(XenClass.VM, ticket.vmUuid()).filter(VmViews::isUserVm)
                    .orElseThrow(() -> new Refused(ConsoleClose.VM_GONE, "the VM no longer exists"));
            vmProblem(vm, ticket, false).ifPresent(problem -> {
                throw new Refused(problem.code(), problem.reason());
            });
            String location = vnc.rfbConsoleLocation(vm)
                    .orElseThrow(() -> new Refused(ConsoleClose.VM_NOT_RUNNING, "the VM has no VNC console"));
            return new Admission(ticket, vm.ref(), location, xenApi.consoleSessionReference());
        } catch (PoolUnavailableException e) {
            throw new Refused(ConsoleClose.UNAVAILABLE, "the pool is unavailable: try again");
        }
    }

    /** Why the VM's console may not stay open for this ticket's user, if it may not. */
    private static Optional<ConsoleClose> vmProblem(XenObject vm, ConsoleTickets.Ticket ticket, boolean whileOpen) {
        if (!AccessRights.check(ticket.principal(), InventoryViews.otherConfig(vm), Action.LAUNCH)) {
            return Optional.of(new ConsoleClose(ConsoleClose.ACCESS_DENIED,
                    whileOpen ? "the 'launch' right on this VM was revoked" : "no 'launch' right on this VM"));
        }
        String powerState = vm.string("power_state");
        if (!"Running".equals(powerState)) {
            String state = powerState.toLowerCase(Locale.ROOT);
            return Optional.of(new ConsoleClose(ConsoleClose.VM_NOT_RUNNING,
                    whileOpen ? "the VM stopped (" + state + ")" : "the VM is not running (" + state + ")"));
        }
        return Optional.empty();
    }

    /**
     * Whether the session the secret was issued to has ended (expired, logged out, its user deleted or removed from a
     * group). Blocking: may ask the
     * revocation list in PostgreSQL.
     */
    private Optional<String> sessionEnded(ConsoleTickets.Ticket ticket) {
        // the verifier accepts a token until exp + skew; the console lives as long as a request with it would pass
        if (tokens.isExpired(ticket.token())) {
            return Optional.of("your session expired");
        }
        if (!tokens.isStillValid(ticket.token())) {
            return Optional.of("your session ended");
        }
        return Optional.empty();
    }

    private ConsoleClose refusal(Throwable failure) {
        if (failure instanceof Refused refused) {
            return refused.close();
        }
        if (failure instanceof PoolConsoleConnector.RefusedByPool refused && refused.status() == 404) {
            return new ConsoleClose(ConsoleClose.VM_NOT_RUNNING, "the VM is not running");
        }
        if (failure instanceof PoolConsoleConnector.RefusedByPool || failure instanceof PoolConsoleConnector.Unreachable) {
            Log.warnf("console unreachable: %s", failure.getMessage());
            return new ConsoleClose(ConsoleClose.CONSOLE_UNREACHABLE, "the VM's console cannot be reached");
        }
        Log.warnf("console failed: %s", failure.toString());
        return new ConsoleClose(ConsoleClose.CONSOLE_UNREACHABLE, "the VM's console cannot be reached");
    }

    private void ended(ConsoleRelay relay) {
        open.remove(relay);
        ConsoleClose why = relay.closedWith();
        Log.infof("console closed: user=%s vm=%s duration=%ds bytes_to_vm=%d bytes_to_client=%d code=%d reason=%s",
                relay.admission().ticket().principal().id(), relay.admission().ticket().vmUuid(),
                relay.duration().toSeconds(), relay.bytesToVm(), relay.bytesToClient(), why.code(), why.reason());
    }

    /** Closes consoles whose session ended and idle ones. Blocking (the revocation list): a scheduler worker. */
    @Scheduled(every = "{vmemperor.console.session-check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        for (ConsoleRelay relay : open) {
            if (relay.idleFor(config.idleTimeout())) {
                relay.close(new ConsoleClose(ConsoleClose.IDLE, "idle for " + config.idleTimeout().toSeconds() + " s"));
                continue;
            }
            Optional<String> ended;
            try {
                ended = sessionEnded(relay.admission().ticket());
            } catch (RuntimeException e) {
                // the session store is unreachable: the console was admitted, so it stays open until the next round
                // rather than every console dropping during a database hiccup
                Log.debugf("console session check postponed: %s", e.getMessage());
                return;
            }
            ended.ifPresent(reason -> relay.close(new ConsoleClose(ConsoleClose.SESSION_ENDED, reason)));
        }
    }

    @Override
    public void onChange(CacheChange change) {
        if (change.type() != XenClass.VM || open.isEmpty()) {
            return;
        }
        for (ConsoleRelay relay : open) {
            if (relay.admission().vmRef().equals(change.ref())) {
                check(relay, change.after());
            }
        }
    }

    @Override
    public void onResync() {
        open.forEach(this::checkVm);
    }

    private void checkVm(ConsoleRelay relay) {
        try {
            check(relay, cache.byRef(XenClass.VM, relay.admission().vmRef()).orElse(null));
        } catch (PoolUnavailableException e) {
            // the cache is reloading: its resync checks every console again
        }
    }

    /** Closes the relay if its VM is gone, stopped, or no longer launchable by its user. */
    private static void check(ConsoleRelay relay, XenObject vm) {
        if (vm == null) {
            relay.close(new ConsoleClose(ConsoleClose.VM_GONE, "the VM was destroyed"));
            return;
        }
        vmProblem(vm, relay.admission().ticket(), true).ifPresent(relay::close);
    }

    private void closeAll(ConsoleClose why) {
        open.forEach(relay -> relay.close(why));
    }
}
