package org.vmemperor.common.xenapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The load keeps one instance of each repeated short string and never mixes two different strings up, across the
 * table's growth; and every spelling of a class name in events finds its class.
 */
class SharedStringsTest {

    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void repeatedValuesAreOneInstanceAndDistinctValuesStayDistinct() throws IOException {
        // enough distinct refs to grow the table several times, each read twice from separate parsers
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < 5_000; i++) {
            array.append(i == 0 ? "" : ",").append("\"OpaqueRef:").append(i).append('"');
        }
        String document = array.append(",\"\",\"Running\"]").toString();
        JsonRpcLoader.Strings strings = new JsonRpcLoader.Strings();
        List<String> first = read(document, strings);
        List<String> second = read(document, strings);

        assertThat(first).hasSize(5_002).doesNotHaveDuplicates();
        assertThat(first.get(4_321)).isEqualTo("OpaqueRef:4321");
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).isSameAs(first.get(i));
        }
        assertThat(strings.share(new String("OpaqueRef:17"))).isSameAs(first.get(17));
    }

    @Test
    void uuidsAndLongValuesAreNotKept() throws IOException {
        String uuid = "6fb4af8b-f0f8-4678-8594-c2c9752fe348";
        String longValue = "x".repeat(200);
        JsonRpcLoader.Strings strings = new JsonRpcLoader.Strings();
        String document = "[\"" + uuid + "\",\"" + longValue + "\"]";
        List<String> first = read(document, strings);
        List<String> second = read(document, strings);

        assertThat(second).containsExactly(uuid, longValue);
        assertThat(second.get(0)).isNotSameAs(first.get(0));
        assertThat(second.get(1)).isNotSameAs(first.get(1));
    }

    @Test
    void classNamesAreFoundInAnyCase() {
        assertThat(XenClass.fromEventName("vm")).contains(XenClass.VM);
        assertThat(XenClass.fromEventName("VM")).contains(XenClass.VM);
        assertThat(XenClass.fromEventName("vm_guest_metrics")).contains(XenClass.VM_GUEST_METRICS);
        assertThat(XenClass.fromEventName("VM_guest_metrics")).contains(XenClass.VM_GUEST_METRICS);
        assertThat(XenClass.fromEventName("Network")).contains(XenClass.NETWORK);
        assertThat(XenClass.fromEventName("message")).isEqualTo(Optional.empty());
        assertThat(XenClass.fromEventName(null)).isEqualTo(Optional.empty());
    }

    private static List<String> read(String document, JsonRpcLoader.Strings strings) throws IOException {
        List<String> values = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(document)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.VALUE_STRING) {
                values.add(strings.share(parser));
            }
        }
        return values;
    }
}
