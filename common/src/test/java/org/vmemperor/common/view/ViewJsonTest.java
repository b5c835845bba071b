package org.vmemperor.common.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.access.AccessEntry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The published view records keep the spec's field names and order, as JSON and as {@code toMap()}: vm-service merges
 * the maps, inventory-service writes the records, and both must agree with the spec's examples.
 */
class ViewJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<AccessEntry> ACCESS = List
            .of(new AccessEntry("users/570e9a59-e3bd-42c5-87ee-d46b312dbfcb", List.of("all")));

    @Test
    void networkEntry() throws Exception {
        NetworkEntry entry = new NetworkEntry(List.of("OpaqueRef:pif"), List.of("vm-uuid"), ACCESS, "",
                "Pool-wide network associated with eth0", Map.of("netmask", "255.255.255.0", "gateway", "10.0.0.1"),
                "OpaqueRef:net",
                "920b8d47-9945-63d8-4b04-ad06c65d950a");
        List<String> keys = List.of("PIFs", "VMs", "access", "name_description", "name_label", "other_config", "ref",
                "uuid");
        JsonNode json = JSON.valueToTree(entry);
        assertThat(names(json)).isEqualTo(keys);
        assertThat(json.get("access").get(0).get("userid").asText()).startsWith("users/");
        // merged maps keep their keys sorted, nested ones too
        List<Object> otherConfigKeys = List.copyOf(((Map<?, ?>) entry.toMap().get("other_config")).keySet());
        assertThat(otherConfigKeys).containsExactly("gateway", "netmask");
        assertThat(json.get("access").get(0).get("access").get(0).asText()).isEqualTo("all");
        assertThat(List.copyOf(entry.toMap().keySet())).isEqualTo(keys);
        // the map is the JSON mapping itself: same names, same values
        JsonNode mapJson = JSON.valueToTree(entry.toMap());
        assertThat(mapJson).isEqualTo(json);
    }

    @Test
    void vdiAndIsoEntries() {
        VdiEntry vdi = new VdiEntry("sr-uuid", List.of("vm-uuid"), ACCESS, "Created by template provisioner", "0",
                "OpaqueRef:vdi", "f6a0f7fc-2ecb-4351-b668-c191e4316d16", "8589934592");
        List<String> vdiKeys = List.of("SR", "VMs", "access", "name_description", "name_label", "ref", "uuid",
                "virtual_size");
        JsonNode vdiJson = JSON.valueToTree(vdi);
        assertThat(names(vdiJson)).isEqualTo(vdiKeys);
        assertThat(vdiJson.get("virtual_size").isTextual()).isTrue();
        assertThat(List.copyOf(vdi.toMap().keySet())).isEqualTo(vdiKeys);
        JsonNode vdiMapJson = JSON.valueToTree(vdi.toMap());
        assertThat(vdiMapJson).isEqualTo(vdiJson);

        IsoEntry iso = new IsoEntry("sr-uuid", List.of(), "guest-tools-7.11.0-1.iso", "", "guest-tools.iso",
                "OpaqueRef:iso", "db199908-f133-4c7f-b06c-10ac2784ad5d", "71077888");
        List<String> isoKeys = List.of("SR", "VMs", "location", "name_description", "name_label", "ref", "uuid",
                "virtual_size");
        assertThat(names(JSON.valueToTree(iso))).isEqualTo(isoKeys);
        assertThat(List.copyOf(iso.toMap().keySet())).isEqualTo(isoKeys);
        JsonNode isoMapJson = JSON.valueToTree(iso.toMap());
        JsonNode isoJson = JSON.valueToTree(iso);
        assertThat(isoMapJson).isEqualTo(isoJson);
    }

    @Test
    void templateEntryLeavesOutAMissingOsKind() {
        assertThat(names(JSON.valueToTree(new TemplateEntry(false, "Ubuntu", "ubuntu", "OpaqueRef:t", "u"))))
                .containsExactly("hvm", "name_label", "os_kind", "ref", "uuid");
        assertThat(names(JSON.valueToTree(new TemplateEntry(true, "Windows", null, "OpaqueRef:t", "u"))))
                .containsExactly("hvm", "name_label", "ref", "uuid");
    }

    @Test
    void poolEntryShowsTheUrlOnlyWhenGiven() {
        PoolEntry.Host host = new PoolEntry.Host("emperordev", List.of(), Map.of(), Map.of(), 24493.37, 21992.6, true,
                21962.97);
        List<String> hostKeys = List.of("name_label", "resident_VMs", "software_version", "cpu_info", "memory_total",
                "memory_free", "live", "memory_available");
        PoolEntry withUrl = new PoolEntry(List.of(new PoolEntry.NamedObject("n", "net")), List.of(), 558.4,
                List.of(host), "http://10.10.10.18:80/", "testing", "pool-uuid", List.of());
        JsonNode json = JSON.valueToTree(withUrl);
        assertThat(names(json)).containsExactly("networks", "storage_resources", "hdd_available", "host_list", "url",
                "description", "uuid", "templates_enabled");
        assertThat(names(json.get("host_list").get(0))).isEqualTo(hostKeys);
        assertThat(names(json.get("networks").get(0))).containsExactly("uuid", "name_label");
        PoolEntry withoutUrl = new PoolEntry(List.of(), List.of(), 0, List.of(), null, "testing", "pool-uuid",
                List.of());
        assertThat(names(JSON.valueToTree(withoutUrl))).doesNotContain("url");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
