package org.vmemperor.common.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
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
    private final DataSource dataSource;

    public AccessRightsWriter(AccessStore store, DataSource dataSource) {
        this.store = store;
        this.dataSource = dataSource;
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
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection
                        .prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "vmemperor-access:" + type.apiName() + ":" + uuid);
                    lock.execute();
                }
                return updateLocked(type, uuid, change);
            } finally {
                // ends the transaction, which releases the advisory lock
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
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
