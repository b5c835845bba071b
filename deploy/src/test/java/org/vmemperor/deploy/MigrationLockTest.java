package org.vmemperor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.TestDatabase;

/**
 * Five services starting together on an empty database each run the suite's migrations at start
 * (quarkus.flyway.migrate-at-start, common's configuration). Flyway serialises them with a PostgreSQL advisory lock:
 * every migration is applied exactly once, by one of them, and none fails. This runs the same migrations, with the
 * same settings, from five threads released at once on a fresh database.
 */
class MigrationLockTest {

    private static final int SERVICES = 5;

    @Test
    void concurrentStartsMigrateOnce() throws Exception {
        TestDatabase db = TestDatabase.get();
        // a database of its own: TestDatabase's is shared with the other tests of this JVM
        String url = Processes.freshDatabase(db, "vmemperor_migration");
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(SERVICES);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                runs.add(pool.submit(() -> {
                    Flyway flyway = Flyway.configure().dataSource(url, db.username(), db.password())
                            .locations("classpath:db/migration").load();
                    go.await();
                    return flyway.migrate().migrationsExecuted;
                }));
            }
            go.countDown();
            int executed = 0;
            for (Future<Integer> run : runs) {
                executed += run.get();
            }
            try (Connection connection = DriverManager.getConnection(url, db.username(), db.password());
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT version, count(*), bool_and(success)"
                            + " FROM flyway_schema_history WHERE version IS NOT NULL GROUP BY version")) {
                int versions = 0;
                while (rows.next()) {
                    versions++;
                    assertThat(rows.getInt(2)).as("V" + rows.getString(1) + " recorded once").isEqualTo(1);
                    assertThat(rows.getBoolean(3)).as("V" + rows.getString(1) + " succeeded").isTrue();
                }
                assertThat(versions).as("common's migrations").isGreaterThanOrEqualTo(4);
                assertThat(executed).as("applied once in total, across the five").isEqualTo(versions);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
