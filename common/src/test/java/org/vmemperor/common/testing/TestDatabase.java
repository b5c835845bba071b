package org.vmemperor.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One fresh PostgreSQL database per test JVM. With {@code DB_URL} (and {@code DB_USER}, {@code DB_PASSWORD}) set, a
 * new database is created on that server, so test modules never see each other's rows; otherwise an embedded
 * PostgreSQL is started in a temporary directory.
 */
public final class TestDatabase {

    private static TestDatabase instance;

    private final String jdbcUrl;
    private final String username;
    private final String password;

    private TestDatabase(String jdbcUrl, String username, String password) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    private static TestDatabase create() {
        String serverUrl = System.getenv("DB_URL");
        if (serverUrl == null || serverUrl.isBlank()) {
            try {
                // a throw-away cluster for this JVM (the standalone's EmbeddedDatabase also survives restarts)
                Path dir = Files.createTempDirectory("vmemperor-test-pg");
                EmbeddedPostgres embedded = EmbeddedPostgres.builder().setDataDirectory(dir)
                        .setCleanDataDirectory(true).start();
                return new TestDatabase(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String user = envOr("DB_USER", "vmemperor");
        String pass = envOr("DB_PASSWORD", "");
        String name = "vmemperor_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(serverUrl, user, pass);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a test database on " + serverUrl, e);
        }
        int slash = serverUrl.lastIndexOf('/');
        int query = serverUrl.indexOf('?', slash);
        String url = serverUrl.substring(0, slash + 1) + name + (query < 0 ? "" : serverUrl.substring(query));
        return new TestDatabase(url, user, pass);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }
}
