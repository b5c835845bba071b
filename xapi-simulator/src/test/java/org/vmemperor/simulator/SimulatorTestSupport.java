package org.vmemperor.simulator;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;

/** Helpers shared by the simulator's tests: SDK connections and raw HTTP calls. */
final class SimulatorTestSupport {
    static final String PASSWORD = "secret";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SimulatorTestSupport() {
    }

    static Connection login(XapiSimulator sim) throws Exception {
        Connection connection = new Connection(new URL(sim.url()));
        Session.loginWithPassword(connection, "root", PASSWORD, "2.15", "simulator-test");
        return connection;
    }

    static HttpResponse<String> post(XapiSimulator sim, String path, String contentType, String body)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + path.replaceFirst("^/", "")))
                .header("Content-Type", contentType).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String xmlCall(String method, String... rawParams) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>").append(method)
                .append("</methodName><params>");
        for (String param : rawParams) {
            out.append("<param>").append(param).append("</param>");
        }
        return out.append("</params></methodCall>").toString();
    }
}
