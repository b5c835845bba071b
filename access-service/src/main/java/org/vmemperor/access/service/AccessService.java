package org.vmemperor.access.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.access.AccessEntry;
import org.vmemperor.common.access.AccessList;
import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.UserPrincipal;

/** /getaccess and /setaccess: reading and changing the rights stored on pool objects. */
@ApplicationScoped
public class AccessService {

    private final AccessRightsWriter writer;
    private final DirectoryService directory;
    private final AuditLog audit;

    public AccessService(AccessRightsWriter writer, DirectoryService directory, AuditLog audit) {
        this.writer = writer;
        this.directory = directory;
        this.audit = audit;
    }

    /** The object's rights; the caller needs some right on it (administrators always pass). */
    public List<AccessEntry> getAccess(UserPrincipal caller, ObjectType type, String uuid) {
        AccessList rights = writer.read(type, uuid);
        if (!AccessRights.canSee(caller, rights)) {
            throw ApiException.accessDenied("no right on this object");
        }
        return rights.entries();
    }

    /**
     * Grants or revokes {@code action} for {@code principalId}. The principal must exist (400); the caller must hold
     * {@code all} on the object or be an administrator (403).
     */
    public void setAccess(UserPrincipal caller, ObjectType type, String uuid, String principalId, Action action,
            boolean revoke, String address) {
        String target = type.apiName() + " " + uuid;
        String detail = (revoke ? "revoke " : "grant ") + action.wireName() + " " + principalId;
        if (!directory.exists(principalId)) {
            throw ApiException.badRequest("no such " + (principalId.startsWith(UserPrincipal.USER_PREFIX) ? "user"
                    : "group"));
        }
        try {
            // the caller's right is checked on the value being changed, under the writer's lock
            writer.update(type, uuid, rights -> {
                if (!caller.admin() && !rights.holds(caller, Action.ALL)) {
                    throw ApiException.accessDenied("changing rights needs 'all' on the object");
                }
                return revoke ? rights.revoke(principalId, action) : rights.grant(principalId, action);
            });
        } catch (ApiException e) {
            if (e.httpStatus() == 403) {
                audit.record(caller.id(), "setaccess", target, detail, address, false);
            }
            throw e;
        }
        audit.record(caller.id(), "setaccess", target, detail, address, true);
    }
}
