package org.vmemperor.common.xenapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

/** The dates xapi sends, read into instants: its compact form in each variant, ISO-8601, and anything else. */
class RecordSchemaDateTest {

    @Test
    void xapisCompactFormWithOrWithoutMillisecondsAndZoneIsUtc() {
        Instant expected = Instant.parse("2018-09-25T15:35:58Z");
        assertThat(RecordSchema.parseDate("20180925T15:35:58Z")).isEqualTo(expected);
        assertThat(RecordSchema.parseDate("20180925T15:35:58")).isEqualTo(expected);
        assertThat(RecordSchema.parseDate("20180925T15:35:58.000Z")).isEqualTo(expected);
        assertThat(RecordSchema.parseDate("19700101T00:00:00Z")).isEqualTo(Instant.EPOCH);
    }

    @Test
    void otherFormsAreReadAsBeforeAndGarbageIsTheEpoch() {
        assertThat(RecordSchema.parseDate("2018-09-25T15:35:58Z")).isEqualTo(Instant.parse("2018-09-25T15:35:58Z"));
        // an offset: the formatter's reading (the local time taken as UTC), as before the fast path
        assertThat(RecordSchema.parseDate("20180925T15:35:58+0100"))
                .isEqualTo(LocalDateTime.parse("20180925T15:35:58", DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss"))
                        .toInstant(ZoneOffset.UTC));
        // an impossible day: the formatter's lenient (SMART) reading, as before the fast path
        assertThat(RecordSchema.parseDate("20180230T00:00:00Z")).isEqualTo(Instant.parse("2018-02-28T00:00:00Z"));
        assertThat(RecordSchema.parseDate("")).isEqualTo(Instant.EPOCH);
        assertThat(RecordSchema.parseDate("2018O925T15:35:58Z")).isEqualTo(Instant.EPOCH);
        assertThat(RecordSchema.parseDate("not a date")).isEqualTo(Instant.EPOCH);
    }
}
