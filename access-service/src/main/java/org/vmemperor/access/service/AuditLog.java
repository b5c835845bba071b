package org.vmemperor.access.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;
import org.vmemperor.access.entity.AuditEntry;

/**
 * Writes security decisions to the audit_log table. Each entry commits on its own, so that a refusal is recorded
 * although the request then fails. Callers pass names and ids, never a password or a token.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(String actor, String action, String target, String detail, String address, boolean success) {
        AuditEntry entry = new AuditEntry();
        entry.at = Instant.now();
        entry.actor = truncate(actor, 300);
        entry.action = action;
        entry.target = truncate(target, 300);
        entry.detail = detail;
        entry.address = truncate(address, 64);
        entry.success = success;
        entry.persist();
        LOG.infof("audit: %s %s %s%s from %s: %s", actor, action, target == null ? "" : target,
                detail == null ? "" : " (" + detail + ")", address, success ? "ok" : "refused");
    }

    private static String truncate(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
