package org.vmemperor.vm.install;

import java.time.Instant;

/**
 * CDI event fired (on the replica that served it) when a VM's installer fetched its answer file: the install has
 * really begun. Other replicas see the same fact through {@link AutoinstallTokens#fetchedAt(String)}.
 */
public record AutoinstallFetched(String taskId, String vmUuid, Instant at) {
}
