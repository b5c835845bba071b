package org.vmemperor.vm.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.view.InventoryViews;
import org.vmemperor.common.view.TemplateEntry;
import org.vmemperor.common.xenapi.VmOperations;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;

/** Templates: the ones enabled for users (tag {@code vmemperor}), every template for administrators, and the switch. */
@ApplicationScoped
public class TemplateService {

    private final InventoryViews inventory;
    private final XenObjectCache cache;
    private final VmLookup lookup;
    private final VmOperations operations;

    public TemplateService(InventoryViews inventory, XenObjectCache cache, VmLookup lookup, VmOperations operations) {
        this.inventory = inventory;
        this.cache = cache;
        this.lookup = lookup;
        this.operations = operations;
    }

    public List<TemplateEntry> enabled() {
        return inventory.enabledTemplates().stream().map(inventory::template).toList();
    }

    /** Every template's full XenAPI record, by ref, as the original answered /alltemplates. */
    public Map<String, Map<String, Object>> all() {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        cache.all(XenClass.VM).stream().filter(vm -> vm.bool("is_a_template") && !vm.bool("is_a_snapshot"))
                .sorted(InventoryViews.BY_NAME).forEach(template -> result.put(template.ref(), template.fields()));
        return result;
    }

    /** {@code on} tags the template (users see it in /tmpllist), {@code off} untags it; the other values are 400. */
    public void turn(String uuid, String action) {
        boolean enable = switch (action) {
            case "on" -> true;
            case "off" -> false;
            default -> throw ApiException.badRequest("action is either on or off");
        };
        XenObject template = lookup.template(uuid);
        if (enable == InventoryViews.isEnabled(template)) {
            return;
        }
        if (enable) {
            operations.addTag(template.ref(), InventoryViews.TEMPLATE_TAG);
        } else {
            operations.removeTag(template.ref(), InventoryViews.TEMPLATE_TAG);
        }
        cache.await(() -> cache.byRef(XenClass.VM, template.ref()).map(InventoryViews::isEnabled).orElse(!enable) == enable,
                Duration.ofSeconds(10));
    }
}
