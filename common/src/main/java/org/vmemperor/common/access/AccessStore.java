package org.vmemperor.common.access;

import java.util.Map;
import java.util.Optional;

/**
 * Where access rights are read from and written to: the pool object's {@code other_config}. Implemented in the
 * XenAPI package (SDK types stay there); {@link AccessRightsWriter} adds locking and retries on top.
 */
public interface AccessStore {

    /**
     * The object's current {@code other_config}, read from the pool (not a cache: writers need the latest value).
     *
     * @throws org.vmemperor.common.error.ApiException 400 for an unknown UUID, with the XenAPI error in details
     */
    Map<String, String> otherConfig(ObjectType type, String uuid);

    /**
     * Replaces {@code other_config["vmemperor"]} with {@code newJson} if it still equals {@code expectedJson} (empty:
     * absent). XenAPI has no atomic compare-and-set, so this re-reads first; callers serialise writers with
     * {@link AccessRightsWriter}'s lock and retry when this answers {@code false}.
     *
     * @return whether the value was written
     */
    boolean compareAndSetAccess(ObjectType type, String uuid, Optional<String> expectedJson, String newJson);
}
