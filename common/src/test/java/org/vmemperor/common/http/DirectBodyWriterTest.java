package org.vmemperor.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * The plain JAX-RS path of {@link DirectBodyWriter} (outside Quarkus REST's response, which VmRoutesTest covers over
 * HTTP): the body's bytes reach the stream and its reference is released, also when the stream fails.
 */
class DirectBodyWriterTest {

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
    private final DirectBodyWriter writer = new DirectBodyWriter();

    @Test
    void aBodyInSeveralBuffersIsCopiedToTheStreamAndReleased() throws IOException {
        byte[] first = "[{\"name_label\": \"a\"},".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"name_label\": \"b\"}]".getBytes(StandardCharsets.UTF_8);
        CompositeByteBuf body = allocator.compositeDirectBuffer()
                .addComponent(true, allocator.directBuffer().writeBytes(first))
                .addComponent(true, allocator.directBuffer().writeBytes(second));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        writer.writeTo(() -> body, DirectBody.class, DirectBody.class, new Annotation[0], MediaType.APPLICATION_JSON_TYPE,
                new MultivaluedHashMap<>(), out);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[{\"name_label\": \"a\"},{\"name_label\": \"b\"}]");
        assertThat(body.refCnt()).isZero();
        assertThat(allocator.metric().usedDirectMemory()).isZero();
    }

    @Test
    void aStreamThatFailsStillReleasesTheBody() {
        ByteBuf body = allocator.directBuffer().writeBytes(new byte[] { '[', ']' });
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertThatThrownBy(() -> writer.writeTo(() -> body, DirectBody.class, DirectBody.class, new Annotation[0],
                MediaType.APPLICATION_JSON_TYPE, new MultivaluedHashMap<>(), broken)).isInstanceOf(IOException.class)
                .hasMessage("connection reset");
        assertThat(body.refCnt()).isZero();
    }

    @Test
    void onlyDirectBodiesAreWrittenByIt() {
        Annotation[] none = {};
        assertThat(writer.isWriteable(DirectBody.class, DirectBody.class, none, MediaType.APPLICATION_JSON_TYPE))
                .isTrue();
        assertThat(writer.isWriteable(String.class, String.class, none, MediaType.APPLICATION_JSON_TYPE)).isFalse();
        assertThat(writer.isWriteable(byte[].class, byte[].class, none, MediaType.APPLICATION_JSON_TYPE)).isFalse();
    }
}
