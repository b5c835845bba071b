package org.vmemperor.common.testing;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the service's own {@code /q/metrics} (Prometheus text), as a scraper would. */
public final class Metrics {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    private Metrics() {
    }

    /** The current /q/metrics text. */
    public static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The sum of the samples named {@code name} whose labels include every {@code label, value} pair given; 0 while
     * the meter does not exist yet (counters and timers appear at their first use).
     */
    public static double sum(String name, String... labelPairs) {
        return sumIn(scrape(), name, labelPairs);
    }

    /** As {@link #sum(String, String...)}, in a text scraped before. */
    public static double sumIn(String text, String name, String... labelPairs) {
        if (labelPairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in pairs: name, value");
        }
        double total = 0;
        for (String line : text.lines().toList()) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            String labels = sample.group(2) == null ? "" : sample.group(2);
            boolean all = true;
            for (int i = 0; i < labelPairs.length; i += 2) {
                all &= labels.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"");
            }
            if (all) {
                total += Double.parseDouble(sample.group(3));
            }
        }
        return total;
    }
}
