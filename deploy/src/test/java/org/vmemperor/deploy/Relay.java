package org.vmemperor.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A plain HTTP relay on a free loopback port in front of one origin: every request is passed on unchanged and its
 * answer passed back. It plays the network between two parts, so that a test can see what crossed it: the XenAPI
 * methods (XML-RPC or JSON-RPC) one service instance called on the pool, or the moment an installer's answer-file
 * fetch has been answered by a service but not yet delivered to the installer ({@link #beforeAnswer}).
 */
final class Relay implements AutoCloseable {

    private static final Pattern XML_RPC_METHOD = Pattern.compile("<methodName>\\s*([^<\\s]+)\\s*</methodName>");
    private static final Pattern JSON_RPC_METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");

    private final String target;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "relay");
        thread.setDaemon(true);
        return thread;
    });
    // HTTP/1.1 only: the origins are plain HTTP/1.1 servers, and an h2c upgrade attempt would only add a round trip
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> methods = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> beforeAnswer = path -> {
    };

    private Relay(String target) throws IOException {
        this.target = target.replaceAll("/+$", "");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.createContext("/", this::relay);
        server.start();
    }

    /** A relay to {@code target} (scheme://host:port), listening on a free port. */
    static Relay to(String target) throws IOException {
        return new Relay(target);
    }

    /** Where clients reach the relay: http://127.0.0.1:port. */
    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The RPC methods called through the relay so far, in order. */
    List<String> methods() {
        return List.copyOf(methods);
    }

    long calls(String method) {
        return methods.stream().filter(method::equals).count();
    }

    /** Runs {@code hook} with the request's path once the origin answered, before the answer goes back to the client. */
    void beforeAnswer(Consumer<String> hook) {
        beforeAnswer = hook;
    }

    private void relay(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            record(new String(body, StandardCharsets.UTF_8));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // the origin is gone (a killed service): the client sees a refused gateway, as behind an ingress
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            beforeAnswer.accept(exchange.getRequestURI().getPath());
            answer.headers().firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        }
    }

    private void record(String body) {
        Matcher xml = XML_RPC_METHOD.matcher(body);
        if (xml.find()) {
            methods.add(xml.group(1));
            return;
        }
        Matcher json = JSON_RPC_METHOD.matcher(body);
        if (json.find()) {
            methods.add(json.group(1));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
