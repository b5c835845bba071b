package org.vmemperor.standalone.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The public routes, read from the one route table of the repository ({@code deploy/routes.tsv}: path, service,
 * match, protocol, origin, state). The suite generates its requests from it, so a route added there is attacked
 * without anyone remembering to.
 */
public final class RouteTable {

    /** One row. {@code prefix} routes are followed by a path segment; {@code live} is false for pending routes. */
    public record Route(String path, String service, boolean prefix, String protocol, boolean live) {
    }

    private RouteTable() {
    }

    public static List<Route> routes() {
        try {
            List<Route> routes = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("..", "deploy", "routes.tsv"), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.trim().split("\t");
                routes.add(new Route(columns[0], columns[1], columns[2].equals("prefix"), columns[3],
                        columns[5].equals("live")));
            }
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
