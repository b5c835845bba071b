package org.vmemperor.common.http;

import io.netty.buffer.ByteBuf;

/**
 * An answer body held in Netty direct buffers and written to the connection as it is ({@link DirectBodyWriter}).
 * Quarkus REST copies a {@code byte[]} answer on every request into one direct buffer of its whole size; for GET
 * /vmlist's 12 MB that is beyond Netty's pooled chunks, so each request allocated and freed 12 MB with malloc, and
 * glibc kept about 100 MiB of it resident after a load (bench/README.md). A body kept in direct memory is written from
 * where it is, whatever the number of requests.
 */
@FunctionalInterface
public interface DirectBody {

    /**
     * The bytes to send. The caller owns one reference to the buffer and releases it once the bytes are written (or
     * the write failed): buffers shared between requests stay valid until then.
     */
    ByteBuf open();

    /** How many bytes {@link #open} gives, for a HEAD answer's Content-Length: the body is opened and released. */
    default int length() {
        ByteBuf bytes = open();
        try {
            return bytes.readableBytes();
        } finally {
            bytes.release();
        }
    }
}
