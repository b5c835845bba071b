package org.vmemperor.access.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vmemperor.common.db.Database;

/**
 * Writes security decisions to the audit_log table. Each entry commits on its own (a transaction and connection of its
 * own, never a caller's), so that a refusal is recorded although the request then fails. Callers pass names and ids, never a
 * password or a token.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    private final Database database;

    public AuditLog(Database database) {
        this.database = database;
    }

    public void record(String actor, String action, String target, String detail, String address, boolean success) {
        database.run(connection -> Database.update(connection, "INSERT INTO audit_log"
                + " (at, actor, action, target, detail, address, success) VALUES (?, ?, ?, ?, ?, ?, ?)", Instant.now(),
                truncate(actor, 300), action, truncate(target, 300), detail, truncate(address, 64), success));
        LOG.infof("audit: %s %s %s%s from %s: %s", actor, action, target == null ? "" : target,
                detail == null ? "" : " (" + detail + ")", address, success ? "ok" : "refused");
    }

    private static String truncate(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
