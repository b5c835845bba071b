package org.vmemperor.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

class GzipTest {

    @Test
    void aBodyInSeveralBuffersUnzipsToTheOriginalFromDirectPiecesThatAreAllFreedOnRelease() throws Exception {
        StringBuilder text = new StringBuilder("[");
        Random random = new Random(16);
        for (int i = 0; i < 20_000; i++) {
            text.append(i == 0 ? "" : ",").append("{\"name_label\": \"vm ").append(random.nextLong()).append("\"}");
        }
        byte[] json = text.append(']').toString().getBytes(StandardCharsets.UTF_8);
        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
        int half = json.length / 2;
        // a /vmlist of a user who sees some VMs is such a composite of slices
        CompositeByteBuf input = allocator.compositeDirectBuffer()
                .addComponent(true, allocator.directBuffer(half).writeBytes(json, 0, half))
                .addComponent(true, allocator.directBuffer(json.length - half).writeBytes(json, half, json.length - half));

        ByteBuf compressed = Gzip.compress(input, allocator);

        assertThat(compressed.isDirect()).isTrue();
        assertThat(compressed.readableBytes()).isLessThan(json.length / 2).isGreaterThan(Gzip.PIECE);
        CompositeByteBuf pieces = (CompositeByteBuf) compressed;
        for (int i = 0; i < pieces.numComponents(); i++) {
            assertThat(pieces.internalComponent(i).capacity()).isLessThanOrEqualTo(Gzip.PIECE);
        }
        byte[] bytes = ByteBufUtil.getBytes(compressed);
        assertThat(new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes()).isEqualTo(json);
        assertThat(ByteBufUtil.getBytes(input)).as("the input is left as it was").isEqualTo(json);

        compressed.release();
        input.release();
        assertThat(allocator.metric().usedDirectMemory()).isZero();
    }

    @Test
    void gzipIsAcceptedWhenNamedOrCoveredByAStarWithAWeightAboveZero() {
        assertThat(Gzip.accepted("gzip")).isTrue();
        assertThat(Gzip.accepted("deflate, GZIP;q=0.5, br")).isTrue();
        assertThat(Gzip.accepted("x-gzip")).isTrue();
        assertThat(Gzip.accepted("*")).isTrue();
        assertThat(Gzip.accepted("br, *;q=0.1")).isTrue();

        assertThat(Gzip.accepted(null)).isFalse();
        assertThat(Gzip.accepted("")).isFalse();
        assertThat(Gzip.accepted("identity")).isFalse();
        assertThat(Gzip.accepted("br, deflate")).isFalse();
        assertThat(Gzip.accepted("gzip;q=0")).isFalse();
        assertThat(Gzip.accepted("gzip; q=0.000, *")).isFalse();
        assertThat(Gzip.accepted("*;q=0")).isFalse();
    }
}
