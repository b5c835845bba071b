package org.vmemperor.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The location blocks of an nginx configuration file (flat blocks only, as our files have). */
final class NginxConfig {

    /** One location: its modifier ("=", "^~" or "" for a plain prefix), its path and its directives. */
    record Location(String modifier, String path, List<String> directives) {

        boolean exact() {
            return modifier.equals("=");
        }

        /** The upstream name of proxy_pass http://NAME; null when the location does not proxy. */
        String upstream() {
            return directives.stream().filter(d -> d.startsWith("proxy_pass "))
                    .map(d -> d.substring("proxy_pass ".length()).replaceFirst("^https?://", "").replaceAll("/.*$", ""))
                    .findFirst().orElse(null);
        }

        boolean has(String directive) {
            return directives.contains(directive);
        }
    }

    private static final Pattern LOCATION = Pattern.compile("location\\s+(=|\\^~)?\\s*(\\S+)\\s*\\{([^}]*)}");

    private NginxConfig() {
    }

    static List<Location> locations(Path file) {
        try {
            String text = Files.readString(file).replaceAll("(?m)#.*$", "");
            List<Location> locations = new ArrayList<>();
            Matcher m = LOCATION.matcher(text);
            while (m.find()) {
                List<String> directives = new ArrayList<>();
                for (String directive : m.group(3).split(";")) {
                    String d = directive.trim().replaceAll("\\s+", " ");
                    if (!d.isEmpty()) {
                        directives.add(d);
                    }
                }
                locations.add(new Location(m.group(1) == null ? "" : m.group(1), m.group(2), directives));
            }
            return locations;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
