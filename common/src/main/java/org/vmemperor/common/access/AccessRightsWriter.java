package org.vmemperor.common.access;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vmemperor.common.db.AdvisoryLocks;
import org.vmemperor.common.error.ApiException;

/**
 * Read-modify-write of an object's rights that loses nothing when several replicas grant at once: writers of one
 * object are serialised by a PostgreSQL advisory lock (shared by every replica of every service), and the write
 * itself is a compare-and-set that is retried when someone outside VMEmperor changed the value in between.
 */
@ApplicationScoped
public class AccessRightsWriter {

    private static final Logger LOG = Logger.getLogger(AccessRightsWriter.class);
    private static final int ATTEMPTS = 5;

    private final AccessStore store;
    private final AdvisoryLocks locks;

    public AccessRightsWriter(AccessStore store, AdvisoryLocks locks) {
        this.store = store;
        this.locks = locks;
    }

    /** The object's current rights, read from the pool. */
    public AccessList read(ObjectType type, String uuid) {
        return AccessList.fromOtherConfig(store.otherConfig(type, uuid));
    }

    /**
     * Applies {@code change} to the object's rights and stores the result.
     *
     * @return the rights as stored
     */
    public AccessList update(ObjectType type, String uuid, UnaryOperator<AccessList> change) {
        try {
            return locks.withLock("vmemperor-access:" + type.apiName() + ":" + uuid,
                    () -> updateLocked(type, uuid, change));
        } catch (AdvisoryLocks.LockUnavailableException e) {
            throw ApiException.unavailable("the database is unavailable", 5);
        }
    }

    private AccessList updateLocked(ObjectType type, String uuid, UnaryOperator<AccessList> change) {
        for (int attempt = 1;; attempt++) {
            Map<String, String> otherConfig = store.otherConfig(type, uuid);
            Optional<String> current = Optional.ofNullable(otherConfig.get(AccessRights.OTHER_CONFIG_KEY));
            AccessList before = AccessList.parse(current.orElse(null));
            AccessList after = change.apply(before);
            if (after.equals(before) && current.isPresent()) {
                return after;
            }
            if (store.compareAndSetAccess(type, uuid, current, after.toJson(current.orElse(null)))) {
                return after;
            }
            if (attempt == ATTEMPTS) {
                throw ApiException.conflict("the access rights of this object keep changing; try again");
            }
            LOG.debugf("Access rights of %s %s changed under us; retrying", type.apiName(), uuid);
        }
    }
}
