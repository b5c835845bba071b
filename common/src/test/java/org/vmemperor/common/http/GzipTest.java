package org.vmemperor.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

class GzipTest {

    @Test
    void compressedBytesUnzipToTheOriginal() throws Exception {
        byte[] json = "[{\"name_label\": \"vm\"}]".repeat(1000).getBytes(StandardCharsets.UTF_8);
        byte[] compressed = Gzip.compress(json);
        assertThat(compressed.length).isLessThan(json.length / 10);
        assertThat(new GZIPInputStream(new ByteArrayInputStream(compressed)).readAllBytes()).isEqualTo(json);
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
