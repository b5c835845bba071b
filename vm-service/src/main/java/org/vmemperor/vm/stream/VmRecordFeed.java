package org.vmemperor.vm.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.vmemperor.common.access.AccessList;
import org.vmemperor.common.view.VmRecord;
import org.vmemperor.common.view.VmViews;
import org.vmemperor.common.xenapi.CacheChange;
import org.vmemperor.common.xenapi.CacheListener;
import org.vmemperor.common.xenapi.PoolUnavailableException;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

import io.quarkus.runtime.StartupEvent;

/**
 * The VM records as the /vmlist stream shows them, kept current from the cache's change feed: a change to a VM, its
 * metrics, guest metrics, VBDs, VIFs, or the disks and networks they point at rebuilds that VM's record, and when the
 * record differs a {@link Diff} goes to every open stream. Each stream filters by its user's rights; the rights are
 * part of the VM (other_config), so a grant or a revoke is just another diff. Runs on the cache's event thread:
 * building records reads the cache only.
 */
@ApplicationScoped
public class VmRecordFeed implements CacheListener {

    private static final Logger LOG = Logger.getLogger(VmRecordFeed.class);

    /**
     * A VM as one stream message needs it: the record, and the rights each socket checks against, parsed once per
     * version of the VM rather than once per socket; and the record's {@code initial} message, written once per
     * version of the VM when a socket first needs it, then handed as the same bytes to every socket that opens while
     * the VM stays as it is (every socket wrote its own copy of every record before: 1,000 sockets on 1,000 VMs wrote
     * a million records). Equal when record and rights are: the message is derived from them.
     */
    public static final class Snapshot {
        private final VmRecord record;
        private final AccessList access;
        /** Written at most a few times (two threads may race: both write the same bytes), then only read. */
        private volatile byte[] initialMessage;

        public Snapshot(VmRecord record, AccessList access) {
            this.record = record;
            this.access = access;
        }

        public VmRecord record() {
            return record;
        }

        public AccessList access() {
            return access;
        }

        /** The record's initial message, written by {@code write} the first time; callers must not modify it. */
        byte[] initialMessage(Function<VmRecord, byte[]> write) {
            byte[] message = initialMessage;
            if (message == null) {
                message = write.apply(record);
                initialMessage = message;
            }
            return message;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Snapshot snapshot && record.equals(snapshot.record)
                    && access.equals(snapshot.access);
        }

        @Override
        public int hashCode() {
            return Objects.hash(record, access);
        }

        @Override
        public String toString() {
            return "Snapshot[" + record.uuid() + "]";
        }
    }

    /** {@code before} null: the VM appeared; {@code after} null: it is gone. */
    public record Diff(Snapshot before, Snapshot after) {
    }

    private final XenObjectCache cache;
    private final VmViews views;
    private final Map<String, Snapshot> byVmRef = new HashMap<>();
    /** metrics and guest_metrics refs to their VM: those classes carry no back-reference. */
    private final Map<String, String> vmOfMetrics = new HashMap<>();
    private final List<Consumer<Diff>> subscribers = new CopyOnWriteArrayList<>();
    private boolean built;

    public VmRecordFeed(XenObjectCache cache, VmViews views) {
        this.cache = cache;
        this.views = views;
    }

    void onStart(@Observes StartupEvent event) {
        cache.subscribe(this);
    }

    /**
     * Registers a subscriber and hands it the current records first, atomically with respect to changes, so that no
     * diff is lost or seen twice between the initial records and the stream.
     *
     * @return closes the subscription
     */
    public synchronized AutoCloseable open(Consumer<List<Snapshot>> initial, Consumer<Diff> subscriber) {
        ensureBuilt();
        List<Snapshot> current = new ArrayList<>(byVmRef.values());
        current.sort((a, b) -> {
            int byName = a.record().nameLabel().compareTo(b.record().nameLabel());
            return byName != 0 ? byName : a.record().uuid().compareTo(b.record().uuid());
        });
        initial.accept(current);
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    @Override
    public synchronized void onChange(CacheChange change) {
        if (!built) {
            return;
        }
        try {
            affectedVms(change).forEach(this::refresh);
        } catch (PoolUnavailableException e) {
            // the cache went away mid-batch; the resync that follows rebuilds everything
            built = false;
        }
    }

    /**
     * With no stream open, the records are dropped and built again by the next {@link #open}: the first load of a
     * 10,000-VM pool would otherwise build every record on the cache's event thread (a quarter of the load's time,
     * JFR) and keep them for streams that may never come.
     */
    @Override
    public synchronized void onResync() {
        if (subscribers.isEmpty()) {
            byVmRef.clear();
            vmOfMetrics.clear();
            built = false;
            return;
        }
        rebuild();
    }

    private void rebuild() {
        try {
            Set<String> refs = new LinkedHashSet<>(byVmRef.keySet());
            cache.all(XenClass.VM).forEach(vm -> refs.add(vm.ref()));
            built = true;
            refs.forEach(this::refresh);
        } catch (PoolUnavailableException e) {
            built = false;
        }
    }

    private void ensureBuilt() {
        if (!built) {
            cache.requireReady();
            rebuild();
        }
    }

    private Set<String> affectedVms(CacheChange change) {
        XenObject object = change.latest();
        Set<String> vms = new LinkedHashSet<>();
        switch (change.type()) {
            case VM -> vms.add(change.ref());
            case VBD, VIF -> vms.add(object.string("VM"));
            case VM_METRICS, VM_GUEST_METRICS -> {
                String vm = vmOfMetrics.get(change.ref());
                if (vm != null) {
                    vms.add(vm);
                }
            }
            case VDI -> vmsBehind(object.strings("VBDs"), XenClass.VBD, vms);
            case NETWORK -> vmsBehind(object.strings("VIFs"), XenClass.VIF, vms);
            default -> {
                // other classes do not show in a VM record
            }
        }
        return vms;
    }

    private void vmsBehind(List<String> deviceRefs, XenClass deviceClass, Set<String> vms) {
        for (String ref : deviceRefs) {
            cache.byRef(deviceClass, ref).ifPresent(device -> vms.add(device.string("VM")));
        }
    }

    private void refresh(String vmRef) {
        XenObject vm = cache.byRef(XenClass.VM, vmRef).filter(VmViews::isUserVm).orElse(null);
        Snapshot before = byVmRef.get(vmRef);
        Snapshot after = vm == null ? null : new Snapshot(views.record(vm), vm.access());
        if (vm != null) {
            index(vm);
        }
        if (after == null) {
            byVmRef.remove(vmRef);
            vmOfMetrics.values().removeIf(vmRef::equals);
        } else {
            byVmRef.put(vmRef, after);
        }
        if (Objects.equals(before, after)) {
            return;
        }
        Diff diff = new Diff(before, after);
        for (Consumer<Diff> subscriber : subscribers) {
            try {
                subscriber.accept(diff);
            } catch (RuntimeException e) {
                LOG.warn("A /vmlist subscriber failed", e);
            }
        }
    }

    private void index(XenObject vm) {
        for (String field : List.of("metrics", "guest_metrics")) {
            String ref = vm.string(field);
            if (XenObject.isRef(ref)) {
                vmOfMetrics.put(ref, vm.ref());
            }
        }
    }
}
