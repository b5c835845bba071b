package org.vmemperor.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.view.InventoryViews;
import org.vmemperor.common.view.VmRecord;
import org.vmemperor.common.view.VmViews;
import org.vmemperor.common.xenapi.BenchPool;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The /vminfo hot path: building the VM record from the cache and writing it as JSON on every request, against the
 * record serialised once per version; and the rights check, parsing other_config's JSON each time against the rights
 * parsed once per version of the object.
 */
public class ViewBenchmark extends AbstractBenchmark {

    private VmViews views;
    private ObjectWriter writer;
    private XenObject vm;

    @Setup
    public void setUp() {
        XenObjectCache cache = BenchPool.cache();
        ObjectMapper mapper = new ObjectMapper();
        views = new VmViews(cache, new InventoryViews(cache), mapper);
        writer = mapper.writerFor(VmRecord.class);
        vm = cache.byRef(XenClass.VM, BenchPool.VM_REF).orElseThrow();
    }

    /** What /vminfo did on every request before: build the record, write it with Jackson. */
    @Benchmark
    public byte[] recordBuiltAndWritten() throws Exception {
        return writer.writeValueAsBytes(views.record(vm));
    }

    /** What /vminfo does now: the bytes serialised for this version of the VM's objects. */
    @Benchmark
    public byte[] recordPreSerialised() {
        return views.recordJson(vm);
    }

    /** The rights check as it was: other_config copied and its vmemperor JSON parsed on every check. */
    @Benchmark
    public boolean rightsParsedEachTime() {
        return AccessRights.check(member, InventoryViews.otherConfig(vm), Action.LAUNCH);
    }

    /** The rights check now: parsed once per version of the object. */
    @Benchmark
    public boolean rightsPreParsed() {
        return AccessRights.check(member, vm, Action.LAUNCH);
    }
}
