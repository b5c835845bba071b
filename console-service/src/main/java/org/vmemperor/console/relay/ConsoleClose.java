package org.vmemperor.console.relay;

/**
 * Why a /console WebSocket is closed: the close code and reason text the client sees (README "Close codes"). The
 * 4xxx codes mirror the HTTP status a REST route would answer. A reason must stay under 123 bytes (RFC 6455).
 */
public record ConsoleClose(short code, String reason) {

    /** The secret parameter is missing, unknown, already used or expired. */
    public static final int SECRET_REFUSED = 4401;
    /** The secret belongs to another user, or the user lost the right to the VM. */
    public static final int ACCESS_DENIED = 4403;
    /** The VM is gone. */
    public static final int VM_GONE = 4404;
    /** The VM is not running (halted, paused, suspended), or stopped while the console was open. */
    public static final int VM_NOT_RUNNING = 4409;
    /** Nothing went either way for the idle timeout. */
    public static final int IDLE = 4408;
    /** The session the secret was issued to ended (logout, revocation, expiry, user deleted). */
    public static final int SESSION_ENDED = 4401;
    /** The pool's console could not be reached or refused us. */
    public static final int CONSOLE_UNREACHABLE = 4502;
    /** The database or the pool cannot be asked right now; a new URL from POST /vnc may work in a moment. */
    public static final int UNAVAILABLE = 4503;
    /** The client sent a text frame: the relay carries binary RFB only. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** The VM's console (the pool side) closed the connection. */
    public static final int NORMAL = 1000;
    /** The service is shutting down. */
    public static final int GOING_AWAY = 1001;

    public ConsoleClose(int code, String reason) {
        this((short) code, reason);
    }
}
