package org.vmemperor.vm.service;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.view.VmViews;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

/** Finds the objects a request names, in the cache, and checks the caller's right on them. */
@ApplicationScoped
public class VmLookup {

    private final XenObjectCache cache;

    public VmLookup(XenObjectCache cache) {
        this.cache = cache;
    }

    /**
     * The user VM with this uuid on which {@code user} holds {@code action}. Templates, snapshots and the control
     * domain are not VMs for these routes: they answer like an unknown uuid.
     */
    public XenObject vm(String uuid, UserPrincipal user, Action action) {
        XenObject vm = cache.requireByUuid(XenClass.VM, uuid);
        if (!VmViews.isUserVm(vm)) {
            throw unknown("VM", uuid);
        }
        AccessRights.require(user, vm, action);
        return vm;
    }

    /** A template (administrator routes). */
    public XenObject template(String uuid) {
        XenObject template = cache.requireByUuid(XenClass.VM, uuid);
        if (!template.bool("is_a_template") || template.bool("is_a_snapshot")) {
            throw unknown("VM", uuid);
        }
        return template;
    }

    public XenObject network(String uuid, UserPrincipal user, Action action) {
        XenObject network = cache.requireByUuid(XenClass.NETWORK, uuid);
        AccessRights.require(user, network, action);
        return network;
    }

    public XenObject vdi(String uuid) {
        return cache.requireByUuid(XenClass.VDI, uuid);
    }

    /** Shaped like the cache's own unknown-uuid answer (XenAPI's lower-case class name in the details). */
    static ApiException unknown(String type, String uuid) {
        return ApiException.unknownObject(type, uuid, List.of("UUID_INVALID", type.toLowerCase(Locale.ROOT), uuid));
    }
}
