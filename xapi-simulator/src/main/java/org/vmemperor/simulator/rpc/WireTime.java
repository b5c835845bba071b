package org.vmemperor.simulator.rpc;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * XenAPI's compact date form {@code 20250319T04:16:24Z}, used on both wire protocols.
 */
public final class WireTime {
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss");

    private WireTime() {
    }

    public static String format(Instant instant) {
        return COMPACT.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)) + "Z";
    }

    /** Accepts the compact form with or without Z, and ISO-8601 as clients sometimes send. */
    public static Instant parse(String text) {
        String t = text.trim();
        if (t.endsWith("Z") || t.endsWith("z")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return LocalDateTime.parse(t, COMPACT).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException compactFailed) {
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException isoFailed) {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            }
        }
    }
}
