package org.vmemperor.console.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.db.Database;
import org.vmemperor.common.security.TokenVerifier;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.security.VerifiedToken;
import org.vmemperor.console.config.ConsoleConfig;
import org.vmemperor.console.service.ConsoleTicketRepository.TicketRow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Console secrets, kept in PostgreSQL so that whichever replica receives the WebSocket can accept them. A secret is
 * 32 random bytes (256 bits, unpadded base64url: 43 characters); only its SHA-256 is stored. It is bound to one VM and
 * to the user and session that asked for it, and works once before it expires.
 */
@ApplicationScoped
public class ConsoleTickets {

    private static final int SECRET_BYTES = 32;
    private static final Pattern SECRET = Pattern.compile("^[A-Za-z0-9_-]{43}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A secret just issued; the only place the secret itself ever exists on the server side. */
    public record Issued(String secret, Instant expires) {
    }

    /** What an accepted secret was bound to. */
    public record Ticket(String vmUuid, UserPrincipal principal, String tokenId, Instant tokenExpires,
            long sessionEpoch) {

        /** The session the secret was asked with, for {@link TokenVerifier#isStillValid(VerifiedToken)}. */
        public VerifiedToken token() {
            return new VerifiedToken(principal, tokenId, tokenExpires, sessionEpoch);
        }
    }

    /** Why a secret was not accepted. */
    public enum Refusal {
        UNKNOWN("unknown console secret"),
        USED("console secret already used"),
        EXPIRED("console secret expired");

        private final String message;

        Refusal(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    /** Either the ticket of an accepted secret or why it was refused. */
    public record Consumed(Ticket ticket, Refusal refusal) {
        public boolean accepted() {
            return ticket != null;
        }
    }

    private final Database database;
    private final ConsoleTicketRepository rows;
    private final ConsoleConfig config;
    private final ObjectMapper json;

    public ConsoleTickets(Database database, ConsoleTicketRepository rows, ConsoleConfig config, ObjectMapper json) {
        this.database = database;
        this.rows = rows;
        this.config = config;
        this.json = json;
    }

    /** Issues a secret for {@code vmUuid}, bound to the session {@code token}. */
    public Issued issue(VerifiedToken token, String vmUuid) {
        byte[] random = new byte[SECRET_BYTES];
        RANDOM.nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = Instant.now();
        TicketRow row = new TicketRow(sha256(secret), vmUuid, token.principal().id(), toJson(token.principal()),
                token.tokenId(), token.expiresAt(), token.sessionEpoch(), now, now.plus(config.secretLifetime()), null);
        database.run(connection -> rows.insert(connection, row));
        return new Issued(secret, row.expires());
    }

    /**
     * Accepts a secret once: the row is locked, checked and marked used in one transaction, so of two WebSockets
     * opened with one secret (on any replicas) exactly one gets the ticket.
     */
    public Consumed consume(String secret) {
        if (secret == null || !SECRET.matcher(secret).matches()) {
            return new Consumed(null, Refusal.UNKNOWN);
        }
        return database.call(connection -> {
            TicketRow row = rows.findForUpdate(connection, sha256(secret)).orElse(null);
            Instant now = Instant.now();
            if (row == null) {
                return new Consumed(null, Refusal.UNKNOWN);
            }
            if (row.usedAt() != null) {
                return new Consumed(null, Refusal.USED);
            }
            if (!row.expires().isAfter(now)) {
                return new Consumed(null, Refusal.EXPIRED);
            }
            rows.markUsed(connection, row.secretSha256(), now);
            return new Consumed(new Ticket(row.vmUuid(), fromJson(row.principal()), row.tokenId(), row.tokenExpires(),
                    row.sessionEpoch()), null);
        });
    }

    /** Deletes secrets that expired more than {@code vmemperor.console.secret-retention} ago; answers how many. */
    public long purge() {
        Instant cutoff = Instant.now().minus(config.secretRetention());
        return database.call(connection -> rows.deleteExpiredBefore(connection, cutoff));
    }

    @Scheduled(every = "{vmemperor.console.purge-interval}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeExpired() {
        try {
            long purged = purge();
            if (purged > 0) {
                Log.debugf("purged %d expired console secrets", purged);
            }
        } catch (RuntimeException e) {
            // the database is away: the next round purges them
            Log.debugf("purging console secrets postponed: %s", e.getMessage());
        }
    }

    static String sha256(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private String toJson(UserPrincipal principal) {
        try {
            return json.writeValueAsString(principal);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a principal is always serialisable", e);
        }
    }

    private UserPrincipal fromJson(String principal) {
        try {
            return json.readValue(principal, UserPrincipal.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a console ticket holds an unreadable principal", e);
        }
    }
}
