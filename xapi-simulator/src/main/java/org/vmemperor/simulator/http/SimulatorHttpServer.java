package org.vmemperor.simulator.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.vmemperor.simulator.rpc.Dispatcher;
import org.vmemperor.simulator.rpc.JsonRpcCodec;
import org.vmemperor.simulator.rpc.RpcCall;
import org.vmemperor.simulator.rpc.XapiError;
import org.vmemperor.simulator.rpc.XmlRpcCodec;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The HTTP side: XML-RPC on any POST path but /jsonrpc and /console, JSON-RPC on /jsonrpc, the console endpoint.
 * Decoding, dispatching and encoding run on worker threads; the event loop only moves bytes and timers, so a
 * long event.from costs a connection, not a thread.
 */
public final class SimulatorHttpServer {
    private static final Logger LOG = Logger.getLogger(SimulatorHttpServer.class);
    private static final String XML = "text/xml";
    private static final String JSON = "application/json";

    /** The hooks the server consults per request. */
    public interface FaultHooks {
        boolean takeDroppedConnection();

        /** The delay for every answer. */
        Duration latency();

        /** The extra delay for one method, e.g. "VM.start". */
        Duration latencyOf(String method);

        /** A call is now held by its method's delay ({@code +1}) or released from it ({@code -1}). */
        void heldCalls(int change);
    }

    private final Vertx vertx;
    private final Dispatcher dispatcher;
    private final ConsoleEndpoint console;
    private final ExecutorService workers;
    private final FaultHooks faults;
    private final XmlRpcCodec xml = new XmlRpcCodec();
    private final JsonRpcCodec json = new JsonRpcCodec();
    private HttpServer server;

    public SimulatorHttpServer(Vertx vertx, Dispatcher dispatcher, ConsoleEndpoint console, ExecutorService workers,
            FaultHooks faults) {
        this.vertx = vertx;
        this.dispatcher = dispatcher;
        this.console = console;
        this.workers = workers;
        this.faults = faults;
    }

    /** Binds and returns the actual port; blocks until listening. */
    public int start(String host, int port) {
        HttpServerOptions options = new HttpServerOptions().setWebSocketSubProtocols(List.of("binary"))
                .setMaxFormAttributeSize(-1).setIdleTimeout(0);
        server = vertx.createHttpServer(options).requestHandler(this::handle).webSocketHandler(console::handle);
        try {
            return server.listen(port, host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
                    .actualPort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port, e);
        }
    }

    /** Closes the listener and every open connection; blocks until done. */
    public void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("closing the server: %s", e.getMessage());
        }
        server = null;
    }

    private void handle(HttpServerRequest request) {
        if (faults.takeDroppedConnection()) {
            request.connection().close();
            return;
        }
        String path = request.path();
        if (path.equals(ConsoleEndpoint.PATH)) {
            console.handle(request);
            return;
        }
        if (request.method() != HttpMethod.POST) {
            request.response().setStatusCode(405).putHeader("Allow", "POST").end();
            return;
        }
        boolean jsonRpc = path.equals("/jsonrpc");
        request.body().onSuccess(body -> delay(faults.latency(),
                () -> workers.execute(() -> answer(request, body, jsonRpc))));
    }

    private void answer(HttpServerRequest request, Buffer body, boolean jsonRpc) {
        if (jsonRpc) {
            JsonRpcCodec.JsonRequest decoded;
            try {
                decoded = json.decode(body.getBytes());
            } catch (IllegalArgumentException malformed) {
                byte[] error = json.unparsable(List.of("INTERNAL_ERROR", "malformed JSON-RPC request"));
                reply(request, JSON, Buffer.buffer(error));
                return;
            }
            run(request, decoded.call(), JSON, value -> Buffer.buffer(json.success(decoded, value.value())),
                    error -> Buffer.buffer(json.failure(decoded, error.description())));
        } else {
            RpcCall call;
            try {
                call = xml.decode(body.getBytes());
            } catch (IllegalArgumentException malformed) {
                String error = xml.failure(List.of("INTERNAL_ERROR", "malformed XML-RPC request"));
                reply(request, XML, Buffer.buffer(error));
                return;
            }
            run(request, call, XML,
                    value -> Buffer.buffer(value.bare() ? xml.bare(value.value()) : xml.success(value.value())),
                    error -> Buffer.buffer(xml.failure(error.description())));
        }
    }

    private void run(HttpServerRequest request, RpcCall call, String contentType,
            Function<Dispatcher.Reply, Buffer> onSuccess, Function<XapiError, Buffer> onFailure) {
        Duration methodDelay = faults.latencyOf(call.method());
        Runnable dispatch = () -> dispatcher.dispatch(call).whenComplete((value, failure) -> {
            // encode off the event loop: a get_all_records of a 10,000-VM pool is megabytes
            Supplier<Buffer> encode = () -> {
                if (failure == null) {
                    return onSuccess.apply(value);
                }
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause()
                        : failure;
                return onFailure.apply(cause instanceof XapiError error ? error
                        : new XapiError("INTERNAL_ERROR", String.valueOf(cause)));
            };
            workers.execute(() -> reply(request, contentType, encode.get()));
        });
        if (call.method().startsWith("Async.")) {
            workers.execute(dispatch); // an Async call's method latency applies inside its task instead
        } else {
            if (methodDelay.isZero() || methodDelay.isNegative()) {
                workers.execute(dispatch);
            } else {
                faults.heldCalls(1);
                delay(methodDelay, () -> {
                    faults.heldCalls(-1);
                    workers.execute(dispatch);
                });
            }
        }
    }

    private void delay(Duration delay, Runnable then) {
        if (delay.isZero() || delay.isNegative()) {
            then.run();
        } else {
            vertx.setTimer(delay.toMillis(), id -> then.run());
        }
    }

    private static void reply(HttpServerRequest request, String contentType, Buffer body) {
        if (request.response().closed() || request.response().ended()) {
            return;
        }
        request.response().putHeader("Content-Type", contentType).end(body);
    }
}
