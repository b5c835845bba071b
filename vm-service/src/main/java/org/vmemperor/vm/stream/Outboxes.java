package org.vmemperor.vm.stream;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.impl.WebSocketInternal;

/**
 * Writes /vmlist messages, already encoded as UTF-8 and shared by every socket, as text frames on each socket's
 * event loop. {@code WebSocketConnection.sendText} cost more than the message for every socket: the text encoded
 * again, a Uni built and subscribed, and, from the cache's event thread, a task handed to the socket's event loop
 * per socket and message (wake-ups included) and a flush per message. Here the writes go into one queue per event
 * loop, which one task empties (whatever is added while it runs, too), writing each socket's frames and flushing each
 * socket once per round: a push to 1,000 sockets is a few tasks, and a socket's 1,000 initial records a few flushes.
 *
 * <p>
 * A client that does not read is bounded: a message other than the initial records (whose size the pool bounds)
 * finding more than {@code vmemperor.vmlist.max-unsent} bytes still unsent to its socket is not written; the socket
 * is handed to {@code tooSlow} once, to be closed, and nothing more is written to it. Without that bound, every change
 * would pile up in the socket's outbound buffer for as long as the client stays connected.
 *
 * <p>
 * Quarkus' WebSocketConnection does not expose its Vert.x socket: it is read once per socket through the runtime's
 * package-private {@code webSocket()} (and vertx-web's wrapper around it). Should a Quarkus version lack them,
 * sockets fall back to {@code sendText} (a warning says so: at start, or at the first socket) and the bound is not
 * applied.
 */
final class Outboxes {

    /** One socket's way out; {@link #send} keeps the order of its calls. */
    interface Outbox {
        /**
         * @param message UTF-8 JSON, not modified afterwards
         * @param bounded whether the socket's unsent bytes are checked first (not for the initial records)
         */
        void send(byte[] message, boolean bounded);
    }

    /**
     * Vert.x' default largest frame (HttpServerOptions.DEFAULT_MAX_WEBSOCKET_FRAME_SIZE), at which sendText split a
     * message into continuation frames too: clients that cap frames at that size keep receiving what they did.
     */
    static final int MAX_FRAME = 65_536;

    private static final Method WEB_SOCKET = webSocketAccessor();
    private static final Map<Class<?>, Optional<Field>> DELEGATES = new ConcurrentHashMap<>();
    private static final AtomicBoolean FALLBACK_WARNED = new AtomicBoolean();

    private final long maxUnsent;
    private final Map<EventExecutor, Loop> loops = new ConcurrentHashMap<>();

    Outboxes(long maxUnsent) {
        this.maxUnsent = maxUnsent;
    }

    /** Whether sockets are written directly (false: the Quarkus runtime changed, {@code sendText} is used). */
    static boolean direct() {
        return WEB_SOCKET != null;
    }

    Outbox open(WebSocketConnection connection, Runnable tooSlow) {
        WebSocketBase socket = webSocket(connection);
        if (socket instanceof WebSocketInternal internal) {
            ChannelHandlerContext context = internal.channelHandlerContext();
            return new Direct(socket, context, loops.computeIfAbsent(context.executor(), Loop::new), tooSlow);
        }
        if (WEB_SOCKET != null && FALLBACK_WARNED.compareAndSet(false, true)) {
            Log.warnf("/vmlist writes through WebSocketConnection.sendText, without the bound on slow clients: the "
                    + "channel of a %s cannot be reached", connection.getClass().getName());
        }
        return (message, bounded) -> connection.sendText(new String(message, StandardCharsets.UTF_8)).subscribe()
                .with(ok -> {
                }, failure -> Log.debugf("a /vmlist message was not delivered: %s", failure.getMessage()));
    }

    /**
     * The connection's Vert.x socket as Vert.x core made it: vertx-web wraps it (ServerWebSocketWrapper, to answer
     * forwarded host and scheme), and only core's socket reaches the channel.
     */
    private static WebSocketBase webSocket(WebSocketConnection connection) {
        if (WEB_SOCKET == null || !WEB_SOCKET.getDeclaringClass().isInstance(connection)) {
            return null;
        }
        try {
            Object socket = WEB_SOCKET.invoke(connection);
            for (int depth = 0; socket != null && !(socket instanceof WebSocketInternal) && depth < 3; depth++) {
                socket = delegate(socket);
            }
            return socket instanceof WebSocketInternal ? (WebSocketBase) socket : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            Log.debugf("the Vert.x socket of a /vmlist connection could not be read: %s", e.toString());
            return null;
        }
    }

    /** The socket a wrapper delegates to: its one field holding a Vert.x socket; null if it has none. */
    private static Object delegate(Object wrapper) throws IllegalAccessException {
        Field field = DELEGATES.computeIfAbsent(wrapper.getClass(), type -> {
            for (Field candidate : type.getDeclaredFields()) {
                if (WebSocketBase.class.isAssignableFrom(candidate.getType())
                        && !Modifier.isStatic(candidate.getModifiers())) {
                    candidate.setAccessible(true);
                    return Optional.of(candidate);
                }
            }
            return Optional.empty();
        }).orElse(null);
        return field == null ? null : field.get(wrapper);
    }

    private static Method webSocketAccessor() {
        try {
            Class<?> base = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionBase", false,
                    WebSocketConnection.class.getClassLoader());
            Method method = base.getDeclaredMethod("webSocket");
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            Log.warnf("/vmlist writes through WebSocketConnection.sendText, without the bound on slow clients: "
                    + "the Vert.x socket cannot be reached (%s)", e.toString());
            return null;
        }
    }

    /** A socket written on its event loop. Its fields other than the final ones are touched on that loop only. */
    private final class Direct implements Outbox {
        private final WebSocketBase socket;
        private final ChannelHandlerContext context;
        private final Loop loop;
        private final Runnable tooSlow;
        private boolean unflushed;
        private boolean dropped;

        Direct(WebSocketBase socket, ChannelHandlerContext context, Loop loop, Runnable tooSlow) {
            this.socket = socket;
            this.context = context;
            this.loop = loop;
            this.tooSlow = tooSlow;
        }

        @Override
        public void send(byte[] message, boolean bounded) {
            loop.add(this, message, bounded);
        }

        /** On the event loop. */
        void write(byte[] message, boolean bounded) {
            // Vert.x sets closed when a close frame is sent or received: nothing may follow a close frame. The close
            // of another thread is written by a task of this loop, so it cannot slip in between check and write.
            if (dropped || socket.isClosed()) {
                return;
            }
            if (bounded && context.channel().bytesBeforeWritable() > maxUnsent) {
                dropped = true;
                tooSlow.run();
                return;
            }
            if (message.length <= MAX_FRAME) {
                context.write(new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(message)), context.voidPromise());
            } else {
                for (int offset = 0; offset < message.length; offset += MAX_FRAME) {
                    int length = Math.min(MAX_FRAME, message.length - offset);
                    boolean last = offset + length == message.length;
                    var payload = Unpooled.wrappedBuffer(message, offset, length);
                    context.write(offset == 0 ? new TextWebSocketFrame(last, 0, payload)
                            : new ContinuationWebSocketFrame(last, 0, payload), context.voidPromise());
                }
            }
            unflushed = true;
        }

        /** On the event loop, after a round of writes. */
        void flush() {
            if (unflushed) {
                unflushed = false;
                context.flush();
            }
        }
    }

    private record Write(Direct socket, byte[] message, boolean bounded) {
    }

    /** The writes waiting for one event loop, written by one task at a time. */
    private static final class Loop implements Runnable {
        private final EventExecutor executor;
        private final Queue<Write> writes = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private static final int FLUSH_EVERY = 512;
        /** The sockets written since the last flush (loop only). */
        private final List<Direct> written = new ArrayList<>();

        Loop(EventExecutor executor) {
            this.executor = executor;
        }

        void add(Direct socket, byte[] message, boolean bounded) {
            writes.add(new Write(socket, message, bounded));
            if (scheduled.compareAndSet(false, true)) {
                try {
                    executor.execute(this);
                } catch (RejectedExecutionException e) {
                    // the server is stopping: its sockets go with it
                    writes.clear();
                }
            }
        }

        @Override
        public void run() {
            // cleared first: a write added from now on either is taken by this round or schedules the next one
            scheduled.set(false);
            Write write;
            int sinceFlush = 0;
            while ((write = writes.poll()) != null) {
                Direct socket = write.socket();
                boolean wasUnflushed = socket.unflushed;
                try {
                    socket.write(write.message(), write.bounded());
                } catch (RuntimeException e) {
                    Log.debugf("a /vmlist message was not delivered: %s", e.toString());
                }
                if (socket.unflushed && !wasUnflushed) {
                    written.add(socket);
                }
                // a long round (a burst of openings) does not hold every socket's bytes until its end
                if (++sinceFlush == FLUSH_EVERY) {
                    flush();
                    sinceFlush = 0;
                }
            }
            flush();
        }

        private void flush() {
            for (Direct socket : written) {
                try {
                    socket.flush();
                } catch (RuntimeException e) {
                    Log.debugf("a /vmlist socket could not be flushed: %s", e.toString());
                }
            }
            written.clear();
        }
    }
}
