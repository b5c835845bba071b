package org.vmemperor.common.xenapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

/**
 * An {@code event.from} answer read straight into cached objects, in the shapes a pool may send besides the usual
 * one; {@link JsonRpcLoaderTest} compares the usual shape with the SDK's records.
 */
class EventBatchReaderTest {

    @Test
    void aSnapshotBeforeItsClassIsReadTheSameAsAfter() throws IOException {
        String snapshot = "{\"uuid\": \"u-1\", \"name_label\": \"web\", \"memory_static_max\": 1024,"
                + " \"is_a_template\": false, \"VBDs\": [\"OpaqueRef:b1\"], \"other_config\": {\"k\": \"v\"}}";
        Map<XenClass, Map<String, XenObject>> usual = read("{\"events\": [{\"id\": 1, \"class\": \"vm\","
                + " \"operation\": \"add\", \"ref\": \"OpaqueRef:v1\", \"snapshot\": " + snapshot + "}], \"token\": \"t\"}");
        Map<XenClass, Map<String, XenObject>> snapshotFirst = read("{\"events\": [{\"snapshot\": " + snapshot
                + ", \"ref\": \"OpaqueRef:v1\", \"operation\": \"add\", \"class\": \"VM\"}], \"token\": \"t\"}");

        XenObject vm = usual.get(XenClass.VM).get("OpaqueRef:v1");
        assertThat(vm.string("name_label")).isEqualTo("web");
        assertThat(vm.number("memory_static_max")).isEqualTo(1024L);
        assertThat(vm.strings("VBDs")).containsExactly("OpaqueRef:b1");
        assertThat(vm.map("other_config")).containsEntry("k", "v");
        assertThat(snapshotFirst.get(XenClass.VM).get("OpaqueRef:v1")).isEqualTo(vm);
    }

    @Test
    void unknownFieldsAreDroppedAndMissingOrNullOnesKeepTheSdkDefault() throws IOException {
        Map<XenClass, Map<String, XenObject>> objects = read("{\"token\": \"t\", \"events\": [{\"class\": \"vm\","
                + " \"operation\": \"mod\", \"ref\": \"OpaqueRef:v1\", \"snapshot\": {\"uuid\": \"u-1\","
                + " \"name_label\": null, \"a_field_from_a_newer_xapi\": {\"x\": [1, 2]}, \"VCPUs_max\": \"4\","
                + " \"snapshot_time\": \"20180925T15:35:58Z\"}}]}");

        XenObject vm = objects.get(XenClass.VM).get("OpaqueRef:v1");
        assertThat(vm.fields()).doesNotContainKey("a_field_from_a_newer_xapi").containsEntry("name_label", "")
                .containsKey("power_state").hasSize(RecordSchema.of(XenClass.VM).defaultValues().length);
        assertThat(vm.number("VCPUs_max")).as("a number sent as text").isEqualTo(4L);
        assertThat(vm.time("snapshot_time")).isEqualTo(Instant.parse("2018-09-25T15:35:58Z"));
    }

    @Test
    void deletionsAndUnknownClassesAddNothing() throws IOException {
        Map<XenClass, Map<String, XenObject>> objects = read("{\"events\": ["
                + "{\"class\": \"vm\", \"operation\": \"del\", \"ref\": \"OpaqueRef:v1\", \"snapshot\": {\"uuid\": \"u\"}},"
                + "{\"class\": \"blob\", \"operation\": \"add\", \"ref\": \"OpaqueRef:b\", \"snapshot\": {\"uuid\": \"b\"}},"
                + "{\"snapshot\": {\"uuid\": \"m\"}, \"class\": \"message\", \"operation\": \"add\", \"ref\": \"OpaqueRef:m\"}"
                + "], \"token\": \"t\"}");

        assertThat(objects).isEmpty();
    }

    @Test
    void anAnswerWithoutATokenIsRefused() {
        assertThatThrownBy(() -> read("{\"events\": []}")).isInstanceOf(PoolUnavailableException.class);
    }

    @Test
    void theFieldMapIsAnImmutableMapEqualToAnyOtherWithTheSameEntries() throws IOException {
        XenObject vm = read("{\"events\": [{\"class\": \"vm\", \"operation\": \"add\", \"ref\": \"OpaqueRef:v1\","
                + " \"snapshot\": {\"uuid\": \"u-1\", \"name_label\": \"web\"}}], \"token\": \"t\"}")
                .get(XenClass.VM).get("OpaqueRef:v1");
        Map<String, Object> copy = new HashMap<>(vm.fields());

        assertThat(vm.fields()).isEqualTo(copy).hasSameHashCodeAs(copy);
        assertThat(copy).isEqualTo(vm.fields());
        assertThat(vm.fields().get("no_such_field")).isNull();
        assertThat(vm.fields().get(42)).isNull();
        assertThat(vm.fields().keySet()).containsAll(List.of("uuid", "name_label", "power_state"));
        assertThatThrownBy(() -> vm.fields().put("name_label", "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> vm.fields().entrySet().iterator().remove())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(new XenObject(XenClass.VM, "OpaqueRef:v1", copy)).isEqualTo(vm);
    }

    private static Map<XenClass, Map<String, XenObject>> read(String json) throws IOException {
        Map<XenClass, Map<String, XenObject>> objects = new EnumMap<>(XenClass.class);
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            parser.nextToken();
            JsonRpcLoader.readEventBatch(parser, new JsonRpcLoader.Strings(), objects);
        }
        return objects;
    }
}
