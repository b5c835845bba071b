package org.vmemperor.vm.service;

import java.util.Optional;

import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.vm.install.InstallRequest;

/**
 * A /createvm request after validation: everything the worker needs, so that nothing can be refused once objects are
 * being created. Holds no password (the install request carries only its hash and prints without it).
 *
 * @param install the unattended install, or empty for an ISO install ({@code iso} then present)
 */
record CreateVmPlan(XenObject template, XenObject sr, XenObject network, long vdiSizeMb, long ramSizeMb,
        String nameLabel, long vcpus, Optional<InstallRequest> install, Optional<XenObject> iso) {
}
