package org.vmemperor.simulator.rpc;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * XML-RPC as xapi speaks it: replies wrapped in a Status/Value/ErrorDescription struct (never a fault), ints as
 * untyped text, compact dates; requests accepted in every variant real clients send.
 */
public final class XmlRpcCodec {
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(XmlRpcCodec::newBuilder);

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // requests come from the network: no DTDs, no external entities
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    public RpcCall decode(byte[] body) {
        Document document;
        try {
            DocumentBuilder builder = BUILDERS.get();
            builder.reset();
            document = builder.parse(new ByteArrayInputStream(body));
        } catch (Exception malformed) {
            throw new IllegalArgumentException("malformed XML-RPC request", malformed);
        }
        Element root = document.getDocumentElement();
        Element name = child(root, "methodName");
        if (name == null) {
            throw new IllegalArgumentException("no methodName");
        }
        List<Object> params = new ArrayList<>();
        Element paramsElement = child(root, "params");
        if (paramsElement != null) {
            for (Element param : children(paramsElement, "param")) {
                Element value = child(param, "value");
                params.add(value == null ? null : decodeValue(value));
            }
        }
        return new RpcCall(name.getTextContent().trim(), params);
    }

    private Object decodeValue(Element value) {
        Element typed = firstElement(value);
        if (typed == null) {
            return value.getTextContent();
        }
        String text = typed.getTextContent();
        return switch (typed.getTagName()) {
            case "string" -> text;
            case "int", "i4", "i8" -> Long.valueOf(text.trim());
            case "boolean" -> "1".equals(text.trim()) || "true".equalsIgnoreCase(text.trim());
            case "double" -> Double.valueOf(text.trim());
            case "dateTime.iso8601" -> WireTime.parse(text);
            case "base64" -> new String(Base64.getMimeDecoder().decode(text.trim()),
                    java.nio.charset.StandardCharsets.UTF_8);
            case "nil" -> null;
            case "struct" -> decodeStruct(typed);
            case "array" -> decodeArray(typed);
            default -> text;
        };
    }

    private Map<String, Object> decodeStruct(Element struct) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Element member : children(struct, "member")) {
            Element name = child(member, "name");
            Element value = child(member, "value");
            if (name != null) {
                result.put(name.getTextContent(), value == null ? null : decodeValue(value));
            }
        }
        return result;
    }

    private List<Object> decodeArray(Element array) {
        List<Object> result = new ArrayList<>();
        Element data = child(array, "data");
        if (data != null) {
            for (Element value : children(data, "value")) {
                result.add(decodeValue(value));
            }
        }
        return result;
    }

    public String success(Object value) {
        Map<String, Object> wrapper = new LinkedHashMap<>();
        wrapper.put("Status", "Success");
        wrapper.put("Value", value);
        return response(wrapper);
    }

    public String failure(List<String> description) {
        Map<String, Object> wrapper = new LinkedHashMap<>();
        wrapper.put("Status", "Failure");
        wrapper.put("ErrorDescription", description);
        return response(wrapper);
    }

    /** For system.listMethods, which xapi answers without the Status wrapper. */
    public String bare(Object value) {
        return response(value);
    }

    private String response(Object value) {
        StringBuilder out = new StringBuilder(256);
        out.append("<?xml version=\"1.0\"?><methodResponse><params><param>");
        encodeValue(value, out);
        return out.append("</param></params></methodResponse>").toString();
    }

    /** A single {@code <value>}, the form a task's result takes. */
    public String value(Object value) {
        StringBuilder out = new StringBuilder();
        encodeValue(value, out);
        return out.toString();
    }

    private void encodeValue(Object value, StringBuilder out) {
        out.append("<value>");
        if (value == null) {
            // an empty string: xapi has no nil and the SDK reads "" for void
        } else if (value instanceof String s) {
            escape(s, out);
        } else if (value instanceof Boolean b) {
            out.append("<boolean>").append(b ? '1' : '0').append("</boolean>");
        } else if (value instanceof I4 i) {
            out.append("<i4>").append(i.value()).append("</i4>");
        } else if (value instanceof Double d) {
            out.append("<double>").append(d.isNaN() || d.isInfinite() ? 0.0 : d).append("</double>");
        } else if (value instanceof Number n) {
            out.append(n.longValue());
        } else if (value instanceof Instant instant) {
            out.append("<dateTime.iso8601>").append(WireTime.format(instant)).append("</dateTime.iso8601>");
        } else if (value instanceof Map<?, ?> map) {
            out.append("<struct>");
            for (Map.Entry<?, ?> member : map.entrySet()) {
                out.append("<member><name>");
                escape(String.valueOf(member.getKey()), out);
                out.append("</name>");
                encodeValue(member.getValue(), out);
                out.append("</member>");
            }
            out.append("</struct>");
        } else if (value instanceof Collection<?> list) {
            out.append("<array><data>");
            for (Object item : list) {
                encodeValue(item, out);
            }
            out.append("</data></array>");
        } else {
            escape(value.toString(), out);
        }
        out.append("</value>");
    }

    private static void escape(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                result.add(e);
            }
        }
        return result;
    }

    private static Element firstElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }
}
