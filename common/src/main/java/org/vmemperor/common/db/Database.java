package org.vmemperor.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The suite's one way to PostgreSQL: plain JDBC on the Agroal pool, no ORM. {@link #call} and {@link #run} each take a
 * connection of their own and run their work in one transaction on it: committed when the work returns, rolled back
 * when it throws. A transaction never joins another one: code that must write in a caller's transaction takes the
 * caller's {@link Connection} as a parameter. Each module keeps its SQL in one class beside its service, on the static
 * helpers below; rows are records.
 * <p>
 * An {@link SQLException} leaves as a {@link DatabaseException} with the SQLException as its cause, which is what
 * {@code UnexpectedExceptionMapper} looks for to answer 503 while the database is away. Any other exception of the work
 * leaves as it is (after the rollback), so an {@code ApiException} still answers its own status.
 */
@ApplicationScoped
public class Database {

    /** Work on a connection that answers something. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** Work on a connection that answers nothing. */
    @FunctionalInterface
    public interface Action {
        void accept(Connection connection) throws SQLException;
    }

    /** Reads the current row of a result set. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** An SQL statement failed, or no connection could be had; the cause is the driver's (or the pool's) exception. */
    public static class DatabaseException extends RuntimeException {
        public DatabaseException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final DataSource dataSource;

    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in a transaction of its own and answers what it answered. */
    public <T> T call(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            // the pool restores auto-commit when the connection comes back
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Runs {@code work} in a transaction of its own. */
    public void run(Action work) {
        call(connection -> {
            work.accept(connection);
            return null;
        });
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is likely gone with the transaction; the work's failure is the one to report
            failure.addSuppressed(e);
        }
    }

    // --- statements ---

    /** Executes an INSERT, UPDATE or DELETE; answers how many rows it touched. */
    public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /** The rows a query answers, in its order. */
    public static <T> List<T> list(Connection connection, String sql, RowReader<T> reader, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(reader.read(rows));
            }
            return result;
        }
    }

    /** The first row a query answers, if any. */
    public static <T> Optional<T> first(Connection connection, String sql, RowReader<T> reader, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(reader.read(rows)) : Optional.empty();
        }
    }

    /**
     * A statement with its parameters bound: an {@link Instant} as a {@code timestamp with time zone} (every time
     * column of the schema is one), a collection as a text array (for {@code = ANY (?)}), anything else as the driver
     * binds it ({@code null} included).
     */
    public static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                Object value = parameters[i];
                if (value instanceof Instant instant) {
                    statement.setObject(i + 1, instant.atOffset(ZoneOffset.UTC));
                } else if (value instanceof Collection<?> values) {
                    statement.setArray(i + 1, connection.createArrayOf("text", values.toArray()));
                } else {
                    statement.setObject(i + 1, value);
                }
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** A {@code timestamp with time zone} column as an instant, {@code null} when SQL NULL. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    /** An {@code integer} column, {@code null} when SQL NULL. */
    public static Integer integer(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }
}
