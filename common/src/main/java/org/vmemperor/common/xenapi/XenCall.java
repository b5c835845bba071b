package org.vmemperor.common.xenapi;

import com.xensource.xenapi.Connection;

/** One or more SDK calls made with the shared session. Package-private: SDK types do not leave common. */
@FunctionalInterface
interface XenCall<T> {
    T apply(Connection connection) throws Exception;
}
