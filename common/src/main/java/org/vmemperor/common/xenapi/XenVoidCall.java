package org.vmemperor.common.xenapi;

import com.xensource.xenapi.Connection;

/** SDK calls made for their effect only. Package-private: SDK types do not leave common. */
@FunctionalInterface
interface XenVoidCall {
    void apply(Connection connection) throws Exception;
}
