package org.vmemperor.console.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;

/**
 * One open console: bytes from the browser's WebSocket to the VM's console socket and back, unchanged. Each direction
 * pauses its reading side while the other side's write queue is full and resumes it when that queue drains, so a slow
 * browser (or a slow pool) makes the relay stop reading instead of buffering without bound. Handlers run on the event
 * loops of the two connections; {@link #close} may be called from any thread and acts once.
 */
final class ConsoleRelay {

    private final ServerWebSocket client;
    private final NetSocket console;
    private final Admission admission;
    private final Instant started = Instant.now();
    private final AtomicLong toVm = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Consumer<Long> countToVm;
    private final Consumer<Long> countToClient;
    private final Consumer<ConsoleRelay> onEnd;
    private volatile long lastActivity = System.nanoTime();
    private volatile ConsoleClose closedWith;

    ConsoleRelay(ServerWebSocket client, NetSocket console, Admission admission, Consumer<Long> countToVm,
            Consumer<Long> countToClient, Consumer<ConsoleRelay> onEnd) {
        this.client = client;
        this.console = console;
        this.admission = admission;
        this.countToVm = countToVm;
        this.countToClient = countToClient;
        this.onEnd = onEnd;
    }

    /** Wires both directions and resumes both connections; {@code early} are RFB bytes that came with the 200. */
    void start(Buffer early) {
        client.frameHandler(frame -> {
            if (frame.isText()) {
                close(new ConsoleClose(ConsoleClose.UNSUPPORTED_DATA, "binary frames only"));
            } else if (frame.isBinary() || frame.isContinuation()) {
                toConsole(frame.binaryData());
            }
        });
        console.handler(this::toClient);
        client.closeHandler(v -> close(new ConsoleClose(ConsoleClose.NORMAL, "closed by the client")));
        client.exceptionHandler(e -> close(new ConsoleClose(ConsoleClose.NORMAL, "the client connection failed")));
        console.closeHandler(v -> close(new ConsoleClose(ConsoleClose.NORMAL, "the VM's console closed")));
        console.exceptionHandler(
                e -> close(new ConsoleClose(ConsoleClose.CONSOLE_UNREACHABLE, "the VM's console connection failed")));
        if (early.length() > 0) {
            toClient(early);
        }
        console.resume();
        client.resume();
    }

    private void toConsole(Buffer data) {
        if (ended.get()) {
            return;
        }
        touch(data.length(), toVm, countToVm);
        console.write(data);
        if (console.writeQueueFull()) {
            client.pause();
            console.drainHandler(v -> client.resume());
        }
    }

    private void toClient(Buffer data) {
        if (ended.get()) {
            return;
        }
        touch(data.length(), toClient, countToClient);
        client.writeBinaryMessage(data);
        if (client.writeQueueFull()) {
            console.pause();
            client.drainHandler(v -> console.resume());
        }
    }

    private void touch(int bytes, AtomicLong total, Consumer<Long> metric) {
        lastActivity = System.nanoTime();
        total.addAndGet(bytes);
        metric.accept((long) bytes);
    }

    /** Closes both sides (the client with {@code why}) once; later calls do nothing. */
    void close(ConsoleClose why) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        closedWith = why;
        if (!client.isClosed()) {
            client.close(why.code(), why.reason());
        }
        console.close();
        onEnd.accept(this);
    }

    boolean idleFor(Duration timeout) {
        return System.nanoTime() - lastActivity > timeout.toNanos();
    }

    Admission admission() {
        return admission;
    }

    Duration duration() {
        return Duration.between(started, Instant.now());
    }

    long bytesToVm() {
        return toVm.get();
    }

    long bytesToClient() {
        return toClient.get();
    }

    ConsoleClose closedWith() {
        return closedWith;
    }
}
