package org.vmemperor.playbook.service;

import java.util.List;
import java.util.Map;

import org.vmemperor.playbook.catalog.Playbook;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated /executeplaybook request: what to run, on which guests, with which variables.
 *
 * @param playbook the playbook
 * @param targets the VMs to run on (empty for a playbook with a fixed inventory)
 * @param variables every variable with a value (the caller's, else the declared default), written as extra-vars
 * @param warnings VMs left out, by reason ({@code notconnected}, {@code notallowed})
 */
public record RunPlan(Playbook playbook, List<Target> targets, ObjectNode variables,
        Map<String, List<String>> warnings) {

    /** One VM of the run and the guest address the run connects to. */
    public record Target(String uuid, String name, String address) {
    }
}
