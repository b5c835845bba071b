package org.vmemperor.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * PostgreSQL transaction-level advisory locks, shared by every replica of every service: a lock is taken in a
 * transaction of its own on a connection of its own, held while the work runs, and released by ending that
 * transaction (nothing is written in it). Keys are hashed with {@code hashtext}, so any string names a lock.
 */
@ApplicationScoped
public class AdvisoryLocks {

    /** The database could not be asked for the lock (or the connection failed while holding it). */
    public static class LockUnavailableException extends RuntimeException {
        LockUnavailableException(String key, SQLException cause) {
            super("cannot take the advisory lock " + key + ": " + cause.getMessage(), cause);
        }
    }

    private final DataSource dataSource;

    public AdvisoryLocks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} holding the lock, waiting for it as long as another holder keeps it. */
    public <T> T withLock(String key, Supplier<T> work) {
        return locked(key, true, work).orElse(null);
    }

    /**
     * Runs {@code work} holding the lock if it is free; answers empty (without running it) when another holder has
     * it. {@code work} answering null also answers empty.
     */
    public <T> Optional<T> tryWithLock(String key, Supplier<T> work) {
        return locked(key, false, work);
    }

    private <T> Optional<T> locked(String key, boolean wait, Supplier<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                if (wait) {
                    // answers void once it holds the lock
                    try (PreparedStatement lock = connection
                            .prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                        lock.setString(1, key);
                        lock.execute();
                    }
                } else {
                    try (PreparedStatement lock = connection
                            .prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext(?))")) {
                        lock.setString(1, key);
                        try (ResultSet result = lock.executeQuery()) {
                            if (!result.next() || !result.getBoolean(1)) {
                                return Optional.empty();
                            }
                        }
                    }
                }
                return Optional.ofNullable(work.get());
            } finally {
                // ends the transaction, which releases the lock
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new LockUnavailableException(key, e);
        }
    }
}
