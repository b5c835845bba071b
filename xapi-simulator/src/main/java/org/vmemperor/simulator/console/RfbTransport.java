package org.vmemperor.simulator.console;

import io.vertx.core.buffer.Buffer;

/**
 * The byte stream an {@link RfbSession} talks over, so one state machine serves both a raw socket and a WebSocket.
 * Implementations register the session's handlers themselves.
 */
interface RfbTransport {

    void write(Buffer data);

    /** Writes a last message, then closes once it has been flushed. */
    void end(Buffer data);

    void close();

    boolean writeQueueFull();

    /** Stops reading, so a client that requests updates faster than it reads them cannot grow our write queue. */
    void pause();

    void resume();

    /** For logs only. */
    String peer();
}
