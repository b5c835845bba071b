package org.vmemperor.common.xenapi;

import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.TimeZone;

import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Types;

/**
 * An SDK {@link Connection} that shares one session with its siblings and keeps XenAPI's raw error description. The
 * SDK's own dispatch turns most failures into typed exceptions that drop their parameters (a UUID_INVALID loses the
 * class and the UUID); here every failure is a {@link Types.BadServerResponse} whose {@code errorDescription} is the
 * array the pool sent.
 */
final class XenConnection extends Connection {

    private final XmlRpcClient client;
    private volatile String sessionReference;

    XenConnection(URL url, Duration connectTimeout, Duration replyTimeout) {
        super(url, (int) replyTimeout.toSeconds(), (int) connectTimeout.toSeconds());
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        config.setTimeZone(TimeZone.getTimeZone("UTC"));
        config.setServerURL(url);
        config.setConnectionTimeout((int) connectTimeout.toMillis());
        config.setReplyTimeout((int) replyTimeout.toMillis());
        this.client = new XmlRpcClient();
        client.setConfig(config);
    }

    @Override
    public String getSessionReference() {
        return sessionReference;
    }

    void useSession(String reference) {
        this.sessionReference = reference;
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected Map dispatch(String methodCall, Object[] methodParams) throws XmlRpcException, Types.XenAPIException {
        Map response = (Map) client.execute(methodCall, methodParams);
        if ("Success".equals(response.get("Status"))) {
            if ("session.login_with_password".equals(methodCall)) {
                sessionReference = (String) response.get("Value");
            }
            return response;
        }
        throw new Types.BadServerResponse(response);
    }
}
