package org.vmemperor.playbook.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.playbook.catalog.Playbook;
import org.vmemperor.playbook.catalog.PlaybookVariable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns an /executeplaybook request into a {@link RunPlan}; every 400 and 403 happens here, before a task exists:
 * unknown playbook, ill-typed or unknown variables, missing {@code launch} rights, and no VM left to reach.
 */
@ApplicationScoped
public class RunValidator {

    public static final String NOT_CONNECTED = "notconnected";
    public static final String NOT_ALLOWED = "notallowed";
    private static final Set<String> RESERVED = Set.of("playbook", "vms");

    private final PlaybookService playbooks;
    private final XenObjectCache cache;
    private final AllowedNetworks networks;

    public RunValidator(PlaybookService playbooks, XenObjectCache cache, AllowedNetworks networks) {
        this.playbooks = playbooks;
        this.cache = cache;
        this.networks = networks;
    }

    public RunPlan validate(UserPrincipal user, Args args) {
        Playbook playbook = playbooks.runnableBy(user, args.string("playbook"));
        ObjectNode variables = variables(playbook, args);
        if (playbook.inventory().isPresent()) {
            // an administrator's own inventory: the listed machines are the targets, no VMs
            return new RunPlan(playbook, List.of(), variables, Map.of());
        }
        List<String> uuids = new ArrayList<>(new LinkedHashSet<>(args.stringList("vms")));
        if (uuids.isEmpty()) {
            throw ApiException.badRequest("argument 'vms' must name at least one VM");
        }
        if (playbook.single() && uuids.size() > 1) {
            throw ApiException.badRequest("playbook " + playbook.id() + " runs on a single VM");
        }
        List<XenObject> vms = new ArrayList<>();
        for (String uuid : uuids) {
            XenObject vm = cache.requireByUuid(XenClass.VM, uuid);
            if (vm.bool("is_a_template") || vm.bool("is_control_domain")) {
                throw ApiException.badRequest("argument 'vms': " + uuid + " is not a VM");
            }
            // the message names no VM: the caller learns nothing about the others it listed
            AccessRights.require(user, vm.stringMap("other_config"), Action.LAUNCH);
            vms.add(vm);
        }
        List<RunPlan.Target> targets = new ArrayList<>();
        Map<String, List<String>> warnings = new LinkedHashMap<>();
        for (XenObject vm : vms) {
            List<String> addresses = guestAddresses(vm);
            Optional<String> allowed = addresses.stream().filter(networks::allows).findFirst();
            if (allowed.isPresent()) {
                targets.add(new RunPlan.Target(vm.uuid(), vm.string("name_label"), allowed.get()));
            } else {
                warnings.computeIfAbsent(addresses.isEmpty() ? NOT_CONNECTED : NOT_ALLOWED, k -> new ArrayList<>())
                        .add(vm.uuid());
            }
        }
        if (targets.isEmpty()) {
            throw ApiException.badRequest("no VM can be reached: none reports a guest address in the allowed networks",
                    warnings);
        }
        return new RunPlan(playbook, targets, variables, warnings);
    }

    /**
     * The IPv4 addresses the VM's guest agent reports, interface by interface in device order; none when it does not
     * run or reports nothing (no guest tools).
     */
    List<String> guestAddresses(XenObject vm) {
        if (!"Running".equals(vm.string("power_state"))) {
            return List.of();
        }
        Map<String, String> reported = cache.byRef(XenClass.VM_GUEST_METRICS, vm.string("guest_metrics"))
                .map(metrics -> metrics.stringMap("networks")).orElse(Map.of());
        List<String> devices = new ArrayList<>();
        for (String key : reported.keySet()) {
            String device = key.substring(0, Math.max(0, key.indexOf('/')));
            if (device.matches("\\d+") && !devices.contains(device)) {
                devices.add(device);
            }
        }
        devices.sort(Comparator.comparingInt(Integer::parseInt));
        List<String> addresses = new ArrayList<>();
        for (String device : devices) {
            for (String key : List.of(device + "/ip", device + "/ipv4/0")) {
                String address = reported.get(key);
                if (address != null && AllowedNetworks.parseIpv4(address).isPresent()
                        && !addresses.contains(address)) {
                    addresses.add(address);
                }
            }
        }
        return addresses;
    }

    private static ObjectNode variables(Playbook playbook, Args args) {
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        for (Iterator<String> names = args.names(); names.hasNext();) {
            String name = names.next();
            if (!RESERVED.contains(name) && !playbook.variables().containsKey(name)) {
                throw ApiException.badRequest("unknown variable '" + name + "' for playbook " + playbook.id());
            }
        }
        for (Map.Entry<String, PlaybookVariable> entry : playbook.variables().entrySet()) {
            String name = entry.getKey();
            PlaybookVariable variable = entry.getValue();
            Optional<JsonNode> given = args.raw(name);
            if (given.isPresent()) {
                values.set(name, variable.coerce(given.get()).orElseThrow(() -> ApiException
                        .badRequest("variable '" + name + "' must be " + variable.expected())));
            } else if (variable.value() != null) {
                values.set(name, variable.value());
            }
        }
        return values;
    }
}
