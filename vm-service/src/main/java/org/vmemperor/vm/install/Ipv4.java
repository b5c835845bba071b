package org.vmemperor.vm.install;

import java.util.regex.Pattern;

/** Strict dotted-quad IPv4 parsing (no leading zeros, which some parsers read as octal). */
final class Ipv4 {

    private static final Pattern DOTTED = Pattern
            .compile(
                    "^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$");

    private Ipv4() {
    }

    static boolean isValid(String text) {
        return text != null && DOTTED.matcher(text).matches();
    }

    /** The address as an unsigned 32-bit value in an int; the text must be {@link #isValid valid}. */
    static int parse(String text) {
        int value = 0;
        for (String part : text.split("\\.")) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    static String format(int value) {
        return ((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "."
                + (value & 0xff);
    }
}
