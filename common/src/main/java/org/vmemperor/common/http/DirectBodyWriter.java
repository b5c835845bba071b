package org.vmemperor.common.http;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;
import org.jboss.resteasy.reactive.server.vertx.VertxResteasyReactiveRequestContext;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a {@link DirectBody} without copying it: Vert.x hands the buffer to Netty, which sends direct memory as it is
 * (Content-Length set by Vert.x). The body's reference is released when Netty reports the write done or failed, not
 * when the response is ended: until then the socket is still reading from it.
 */
@Provider
public class DirectBodyWriter implements ServerMessageBodyWriter<DirectBody> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target,
            MediaType mediaType) {
        return DirectBody.class.isAssignableFrom(type);
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return DirectBody.class.isAssignableFrom(type);
    }

    @Override
    public void writeResponse(DirectBody body, Type genericType, ServerRequestContext context) {
        ByteBuf bytes = body.open();
        try {
            // Quarkus REST on Vert.x, as its own Buffer writer assumes
            HttpServerResponse response = ((VertxResteasyReactiveRequestContext) context.serverResponse())
                    .unwrap(HttpServerResponse.class);
            // Vert.x writes an unreleasable view of the buffer: the reference stays ours to release
            response.end(Buffer.buffer(bytes), written -> bytes.release());
        } catch (RuntimeException e) {
            // refused before anything was queued (e.g. the connection already closed): nothing else will release it
            bytes.release();
            throw e;
        }
    }

    /** Outside Quarkus REST's own response path (a client-side or servlet use): the bytes copied to the stream. */
    @Override
    public void writeTo(DirectBody body, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        ByteBuf bytes = body.open();
        try {
            bytes.getBytes(bytes.readerIndex(), out, bytes.readableBytes());
        } finally {
            bytes.release();
        }
    }
}
