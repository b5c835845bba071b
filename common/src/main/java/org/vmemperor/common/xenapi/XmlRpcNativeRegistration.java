package org.vmemperor.common.xenapi;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Calendar;
import java.util.Date;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Vector;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native executable needs for the XenAPI SDK's transport, Apache XML-RPC 3.1.3, which Quarkus cannot see by
 * itself. The library was compiled for Java 1.4: its class literals are {@code Class.forName} calls through a
 * synthetic {@code class$} helper (the classes listed here, read from its bytecode), it creates its SAX parser through
 * {@code SAXParserFactory.newInstance()}, and {@code XmlRpcHttpTransport} reads
 * {@code org/apache/xmlrpc/client/XmlRpcClient.properties} when it initialises (registered in
 * {@code META-INF/native-image/org.vmemperor/common/resource-config.json}). Without these a native service fails on its
 * first call to the pool, not at build time.
 */
@RegisterForReflection(targets = { byte[].class, Object[].class, Serializable.class, Boolean.class, Byte.class,
        Character.class, Double.class, Float.class, Integer.class, Long.class, Short.class, String.class,
        BigDecimal.class, BigInteger.class, Calendar.class, Date.class, Hashtable.class, List.class, Map.class,
        Properties.class, Vector.class, org.w3c.dom.Document.class }, classNames = {
                "org.apache.xmlrpc.client.XmlRpcHttpTransport",
                "com.sun.org.apache.xerces.internal.jaxp.SAXParserFactoryImpl" })
final class XmlRpcNativeRegistration {

    private XmlRpcNativeRegistration() {
    }
}
