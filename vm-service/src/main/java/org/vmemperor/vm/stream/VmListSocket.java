package org.vmemperor.vm.stream;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;
import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.security.SessionTokens;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.security.VerifiedToken;
import org.vmemperor.common.view.VmRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * cover WebSockets). Methods returning void run on a worker thread: token verification may query the database.
 */
@WebSocket(path = "/vmlist")
public class VmListSocket {

    private static final Logger LOG = Logger.getLogger(VmListSocket.class);
    static final int NOT_AUTHORIZED = 4401;

    private final SessionTokens sessionTokens;
    private final VmRecordFeed feed;
    private final ObjectMapper json;
    private final Map<String, AutoCloseable> subscriptions = new ConcurrentHashMap<>();

    public VmListSocket(SessionTokens sessionTokens, VmRecordFeed feed, ObjectMapper json) {
        this.sessionTokens = sessionTokens;
        this.feed = feed;
        this.json = json;
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
            subscriptions.put(connection.id(), subscription);
        } catch (RuntimeException e) {
            LOG.warnf("Cannot open /vmlist: %s", e.getMessage());
            connection.close(new CloseReason(1011, "the pool is unavailable")).subscribe().with(ok -> {
            }, failure -> LOG.debug("closing a /vmlist socket failed", failure));
        }
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        AutoCloseable subscription = subscriptions.remove(connection.id());
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("unsubscribing a /vmlist socket failed", e);
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
            ObjectNode message = json.createObjectNode();
            message.put("type", "change");
            message.set("old_val", json.valueToTree(diff.before().record()));
            message.set("new_val", json.valueToTree(diff.after().record()));
            send(connection, message);
        } else if (after) {
            send(connection, flat("add", diff.after().record()));
        } else if (before) {
            ObjectNode message = json.createObjectNode();
            message.put("type", "remove");
            message.set("old_val", json.valueToTree(diff.before().record()));
            send(connection, message);
        }
    }

    private static boolean visible(UserPrincipal user, VmRecordFeed.Snapshot snapshot) {
        return AccessRights.canSee(user, snapshot.otherConfig());
    }

    private ObjectNode flat(String type, VmRecord record) {
        ObjectNode message = json.createObjectNode();
        message.put("type", type);
        message.setAll((ObjectNode) json.valueToTree(record));
        return message;
    }

    private void send(WebSocketConnection connection, ObjectNode message) {
        connection.sendText(message.toString()).subscribe().with(ok -> {
        }, failure -> LOG.debugf("a /vmlist message was not delivered: %s", failure.getMessage()));
    }

}
