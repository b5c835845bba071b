package org.vmemperor.common.xenapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.http.DirectBody;
import org.vmemperor.common.view.InventoryViews;
import org.vmemperor.common.view.VmViews;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * GET /vmlist's array is kept per version of the cache (issue 16): it must still follow every change the event feed
 * applies, in the list's order, and show each caller only what its filter lets through. In the cache's package, since
 * only the feed (package-private {@code apply}) writes the cache.
 */
class VmListViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final XenObjectCache cache = new XenObjectCache();
    private final VmViews views = new VmViews(cache, new InventoryViews(cache), JSON);

    @Test
    void theListFollowsEveryChangeOfTheCacheInItsOrder() throws Exception {
        poolOf(vm("OpaqueRef:b", "uuid-b", "bravo", false), vm("OpaqueRef:a", "uuid-a", "alpha", false),
                vm("OpaqueRef:t", "uuid-t", "a template", true));

        assertThat(names(views.listJson(vm -> true))).containsExactly("alpha", "bravo");

        cache.apply(XenClass.VM, "OpaqueRef:b", vm("OpaqueRef:b", "uuid-b", "aardvark", false));
        assertThat(names(views.listJson(vm -> true))).containsExactly("aardvark", "alpha");

        cache.apply(XenClass.VM, "OpaqueRef:c", vm("OpaqueRef:c", "uuid-c", "charlie", false));
        cache.apply(XenClass.VM, "OpaqueRef:a", null);
        assertThat(names(views.listJson(vm -> true))).containsExactly("aardvark", "charlie");
        assertThat(views.vms()).extracting(XenObject::uuid).containsExactly("uuid-b", "uuid-c");
    }

    @Test
    void eachCallerGetsOnlyTheVmsItsFilterLetsThroughAndAnEmptyArrayForNone() throws Exception {
        poolOf(vm("OpaqueRef:a", "uuid-a", "alpha", false), vm("OpaqueRef:b", "uuid-b", "bravo", false),
                vm("OpaqueRef:c", "uuid-c", "charlie", false));

        assertThat(names(views.listJson(vm -> !vm.uuid().equals("uuid-b")))).containsExactly("alpha", "charlie");
        assertThat(names(views.listJson(vm -> vm.uuid().equals("uuid-b")))).containsExactly("bravo");
        assertThat(new String(bytes(views.listJson(vm -> false)), StandardCharsets.UTF_8)).isEqualTo("[]");
        // the whole list after a partial one, and a partial one after it, from the same version
        assertThat(names(views.listJson(vm -> true))).containsExactly("alpha", "bravo", "charlie");
        assertThat(names(views.listJson(vm -> vm.uuid().equals("uuid-c")))).containsExactly("charlie");
    }

    @Test
    void aPoolWithoutUserVmsListsAnEmptyArray() throws Exception {
        poolOf(vm("OpaqueRef:t", "uuid-t", "a template", true));

        assertThat(new String(bytes(views.listJson(vm -> true)), StandardCharsets.UTF_8)).isEqualTo("[]");
        byte[] zipped = bytes(views.listGzip(vm -> true));
        assertThat(new GZIPInputStream(new ByteArrayInputStream(zipped)).readAllBytes()).asString().isEqualTo("[]");
    }

    @Test
    void aKeptListIsNotServedWhileThePoolIsAway() throws Exception {
        poolOf(vm("OpaqueRef:a", "uuid-a", "alpha", false));
        assertThat(names(views.listJson(vm -> true))).containsExactly("alpha");

        cache.unavailable("the pool is restarting");
        // PoolUnavailableException is the 503 with Retry-After of the API's error model
        assertThatThrownBy(() -> views.listJson(vm -> true)).isInstanceOf(PoolUnavailableException.class)
                .hasMessage("the pool is restarting");
        assertThatThrownBy(() -> views.listGzip(vm -> true)).isInstanceOf(PoolUnavailableException.class);

        cache.connected();
        assertThat(names(views.listJson(vm -> true))).containsExactly("alpha");
    }

    @Test
    void anAnswerBeingWrittenKeepsItsListAfterTheCacheChangesWhichFreesItOnceWritten() throws Exception {
        poolOf(vm("OpaqueRef:a", "uuid-a", "alpha", false), vm("OpaqueRef:b", "uuid-b", "bravo", false),
                vm("OpaqueRef:c", "uuid-c", "charlie", false));
        ByteBuf whole = views.listJson(vm -> true).open();
        ByteBuf some = views.listJson(vm -> !vm.uuid().equals("uuid-b")).open();
        ByteBuf zipped = views.listGzip(vm -> true).open();

        cache.apply(XenClass.VM, "OpaqueRef:a", null);
        assertThat(names(views.listJson(vm -> true))).as("the new version").containsExactly("bravo", "charlie");

        // still readable while their writes go on, then freed by the last one
        assertThat(names(ByteBufUtil.getBytes(whole))).containsExactly("alpha", "bravo", "charlie");
        assertThat(names(new GZIPInputStream(new ByteArrayInputStream(ByteBufUtil.getBytes(zipped))).readAllBytes()))
                .containsExactly("alpha", "bravo", "charlie");
        assertThat(zipped.release()).as("the replaced list's gzip freed").isTrue();
        whole.release();
        assertThat(whole.refCnt()).as("the array, still read by the partial answer").isPositive();
        assertThat(names(ByteBufUtil.getBytes(some))).containsExactly("alpha", "charlie");
        some.release();
        assertThat(whole.refCnt()).as("the replaced list's array freed").isZero();
    }

    @Test
    void anySelectionOfManyVmsIsTheValidArrayOfExactlyTheShownOnesPlainAndGzipped() throws Exception {
        XenObject[] vms = new XenObject[300];
        List<String> all = new ArrayList<>();
        for (int i = 0; i < vms.length; i++) {
            String name = String.format("vm-%03d", i);
            vms[i] = vm("OpaqueRef:" + i, "uuid-" + i, name, false);
            all.add(name);
        }
        poolOf(vms);
        Random random = new Random(16);
        for (int round = 0; round < 50; round++) {
            // runs of shown VMs of every length, the first and last VMs shown or not
            Set<String> shown = new HashSet<>();
            for (String name : all) {
                if (random.nextInt(4) < round % 4) {
                    shown.add(name);
                }
            }
            List<String> expected = all.stream().filter(shown::contains).toList();
            Predicate<XenObject> visible = vm -> shown.contains(vm.string("name_label"));

            assertThat(names(views.listJson(visible))).containsExactlyElementsOf(expected);
            byte[] zipped = bytes(views.listGzip(visible));
            assertThat(names(new GZIPInputStream(new ByteArrayInputStream(zipped)).readAllBytes()))
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void anAnswerAskedBeforeTheCacheChangedAndWrittenAfterShowsTheNewVersion() throws Exception {
        poolOf(vm("OpaqueRef:a", "uuid-a", "alpha", false));
        DirectBody asked = views.listJson(vm -> true);
        names(views.listJson(vm -> true));

        cache.apply(XenClass.VM, "OpaqueRef:b", vm("OpaqueRef:b", "uuid-b", "bravo", false));
        names(views.listJson(vm -> true));

        assertThat(names(asked)).containsExactly("alpha", "bravo");
    }

    /** The cache holding these VMs and nothing else, as after the first load. */
    private void poolOf(XenObject... vms) {
        Map<String, XenObject> byRef = new HashMap<>();
        for (XenObject vm : vms) {
            byRef.put(vm.ref(), vm);
        }
        Map<XenClass, Map<String, XenObject>> pool = new EnumMap<>(XenClass.class);
        pool.put(XenClass.VM, byRef);
        cache.replaceAll(pool);
    }

    private static List<String> names(DirectBody body) throws Exception {
        return names(bytes(body));
    }

    private static byte[] bytes(DirectBody body) {
        ByteBuf bytes = body.open();
        try {
            return ByteBufUtil.getBytes(bytes);
        } finally {
            bytes.release();
        }
    }

    private static List<String> names(byte[] json) throws Exception {
        JsonNode array = JSON.readTree(json);
        return array.findValuesAsText("name_label");
    }

    private static XenObject vm(String ref, String uuid, String name, boolean template) {
        return new XenObject(XenClass.VM, ref, Map.ofEntries(Map.entry("uuid", uuid), Map.entry("name_label", name),
                Map.entry("power_state", "Halted"), Map.entry("is_a_template", template),
                Map.entry("is_a_snapshot", false), Map.entry("is_control_domain", false),
                Map.entry("VCPUs_at_startup", 1L), Map.entry("VCPUs_max", 1L), Map.entry("domain_type", "hvm"),
                Map.entry("metrics", XenObject.NULL_REF), Map.entry("guest_metrics", XenObject.NULL_REF),
                Map.entry("VBDs", List.of()), Map.entry("VIFs", List.of()), Map.entry("other_config", Map.of())));
    }
}
