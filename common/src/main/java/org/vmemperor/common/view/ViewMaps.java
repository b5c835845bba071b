package org.vmemperor.common.view;

import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A view record as a sorted map under its JSON names, for routes that merge it with other fields (/vmdiskinfo,
 * /vmnetinfo). Derived from the record's Jackson mapping, so the map cannot drift from the JSON the lists write; a
 * sorted map keeps the merged result in the spec's (alphabetical) order, nested maps sorted as well.
 */
final class ViewMaps {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final TypeReference<TreeMap<String, Object>> SORTED_MAP = new TypeReference<>() {
    };

    private ViewMaps() {
    }

    static SortedMap<String, Object> sorted(Object view) {
        return JSON.convertValue(view, SORTED_MAP);
    }
}
