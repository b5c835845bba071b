package org.vmemperor.common.error;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.jboss.logging.Logger;

/**
 * The last line: a bug on our side still answers JSON, never an HTML page, and is logged with its stack trace so it
 * can be fixed. No client input is expected to reach it. One cause is not a bug: PostgreSQL unreachable (restarted,
 * stopped, the network away), which surfaces wrapped in whatever layer noticed it first ({@code Database}'s
 * DatabaseException, the pool, Arc): 503 with {@code Retry-After}, like the pool being away.
 */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Exception> {

    private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class);

    /** What a client should wait before retrying while the database is away (as for the pool). */
    static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    @Override
    public Response toResponse(Exception exception) {
        Optional<SQLException> unreachable = databaseUnreachable(exception);
        if (unreachable.isPresent()) {
            LOG.warnf("The database is unavailable while serving a request: %s (SQLState %s)",
                    unreachable.get().getMessage(), unreachable.get().getSQLState());
            return ApiExceptionMapper.toResponse(503, new ApiError("unavailable", "the database is unavailable"),
                    DATABASE_RETRY_AFTER_SECONDS);
        }
        return internalError(exception);
    }

    static Response internalError(Throwable exception) {
        LOG.error("Unexpected failure while serving a request", exception);
        return ApiExceptionMapper.toResponse(500, new ApiError("error", "internal error"), null);
    }

    /**
     * The SQLException among the causes (and suppressed exceptions, where a layer attaches the driver's error rather
     * than wrapping it: {@code Database} adds a failed rollback's) that says the database cannot be reached or went
     * away: SQLState class 08 (connection exception: refused, closed, I/O error), 57P (admin or crash shutdown, cannot
     * connect now: PostgreSQL stopping or starting), or the connection pool's acquisition timeout (no state). Other
     * SQL errors (constraint violations, syntax) stay bugs.
     */
    static Optional<SQLException> databaseUnreachable(Throwable exception) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>(List.of(exception));
        while (!pending.isEmpty()) {
            Throwable cause = pending.pop();
            if (!seen.add(cause)) {
                continue;
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                    return Optional.of(sql);
                }
                if (state == null && String.valueOf(sql.getMessage()).contains("acquisition timeout")) {
                    return Optional.of(sql);
                }
            }
            if (cause.getCause() != null) {
                pending.push(cause.getCause());
            }
            for (Throwable suppressed : cause.getSuppressed()) {
                pending.push(suppressed);
            }
        }
        return Optional.empty();
    }
}
