package org.vmemperor.inventory.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.task.TaskKind;
import org.vmemperor.common.task.TaskService;
import org.vmemperor.common.view.InventoryViews;
import org.vmemperor.common.view.IsoEntry;
import org.vmemperor.common.view.NetworkEntry;
import org.vmemperor.common.view.PoolEntry;
import org.vmemperor.common.view.PoolViews;
import org.vmemperor.common.view.VdiEntry;
import org.vmemperor.common.xenapi.XenApi;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

/**
 * Pools, networks, ISO images and virtual disks. Reads come from the event-fed cache (no XenAPI call per request);
 * the only write, destroying a disk, goes to the pool as a tracked task.
 */
@ApplicationScoped
public class InventoryService {

    /** The task kind recorded for /destroyvdi. */

    private final XenObjectCache cache;
    private final InventoryViews views;
    private final PoolViews poolViews;
    private final XenApi xenApi;
    private final TaskService tasks;

    public InventoryService(XenObjectCache cache, InventoryViews views, PoolViews poolViews, XenApi xenApi,
            TaskService tasks) {
        this.cache = cache;
        this.views = views;
        this.poolViews = poolViews;
        this.xenApi = xenApi;
        this.tasks = tasks;
    }

    /** The pool with its hosts, networks, storage and enabled templates; its XenAPI URL for administrators only. */
    public List<PoolEntry> pools(UserPrincipal caller) {
        return poolViews.pools(caller.admin());
    }

    /** The networks the caller holds any right on (administrators: all). */
    public List<NetworkEntry> networks(UserPrincipal caller, Page page) {
        return page.slice(visible(caller, views.networks())).stream().map(views::network).toList();
    }

    /** One network; the caller needs {@code attach} on it, as the original asked. */
    public NetworkEntry network(UserPrincipal caller, String uuid) {
        XenObject network = cache.requireByUuid(XenClass.NETWORK, uuid);
        AccessRights.require(caller, network, Action.ATTACH);
        return views.network(network);
    }

    /** Every ISO image: ISOs carry no access rights. */
    public List<IsoEntry> isos(Page page) {
        return page.slice(views.isos()).stream().map(views::iso).toList();
    }

    public IsoEntry iso(String uuid) {
        XenObject vdi = cache.requireByUuid(XenClass.VDI, uuid);
        if (!views.isIso(vdi)) {
            throw unknownVdi(uuid);
        }
        return views.iso(vdi);
    }

    /** The virtual disks the caller holds any right on (administrators: all). */
    public List<VdiEntry> disks(UserPrincipal caller, Page page) {
        return page.slice(visible(caller, views.disks())).stream().map(views::vdi).toList();
    }

    /** One virtual disk; the caller needs {@code attach} on it, as the original asked. */
    public VdiEntry disk(UserPrincipal caller, String uuid) {
        XenObject vdi = requireDisk(uuid);
        AccessRights.require(caller, vdi, Action.ATTACH);
        return views.vdi(vdi);
    }

    /**
     * Starts destroying a virtual disk; answers the task id for /taskstatus. The caller needs {@code destroy}. A disk
     * still in use is not refused here: the pool decides (xapi refuses only while a running VM holds it, other
     * versions differ, and the cache may lag), and its VDI_IN_USE becomes the task's {@code error_info}.
     */
    public String destroyDisk(UserPrincipal caller, String uuid) {
        XenObject vdi = requireDisk(uuid);
        AccessRights.require(caller, vdi, Action.DESTROY);
        String xenTask = xenApi.destroyVdiAsync(vdi.ref());
        return tasks.trackXenTask(TaskKind.DESTROYVDI, caller.id(), xenTask, uuid);
    }

    /**
     * A VDI /vdilist would show. ISO images, snapshots and the pool's own VDIs (suspend images...) get the same 400 as
     * an unknown uuid: through this API they are not VDIs.
     */
    private XenObject requireDisk(String uuid) {
        XenObject vdi = cache.requireByUuid(XenClass.VDI, uuid);
        if (!views.isDisk(vdi)) {
            throw unknownVdi(uuid);
        }
        return vdi;
    }

    private static ApiException unknownVdi(String uuid) {
        return ApiException.unknownObject(XenClass.VDI.wireName(), uuid,
                List.of("UUID_INVALID", XenClass.VDI.eventName(), uuid));
    }

    private static List<XenObject> visible(UserPrincipal caller, List<XenObject> objects) {
        if (caller.admin()) {
            return objects;
        }
        return objects.stream().filter(object -> AccessRights.canSee(caller, object))
                .toList();
    }
}
