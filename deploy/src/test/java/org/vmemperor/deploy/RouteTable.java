package org.vmemperor.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** deploy/routes.tsv, the single route table. */
record RouteTable(List<Route> routes) {

    static final Set<String> SERVICES = Set.of("access", "vm", "inventory", "console", "playbook");

    /** One public route. A prefix route's path ends with "/". */
    record Route(String path, String service, boolean prefix, boolean http, boolean websocket, boolean fromSpec,
            String pendingIssue) {

        boolean pending() {
            return pendingIssue != null;
        }

        /** Whether a request path (or an endpoint's path template) falls under this route. */
        boolean covers(String requestPath) {
            return prefix ? requestPath.startsWith(path) : requestPath.equals(path);
        }

        @Override
        public String toString() {
            return (prefix ? path + "*" : path) + " -> " + service;
        }
    }

    static RouteTable load() {
        return parse(ModuleFiles.path("routes.tsv"));
    }

    static RouteTable parse(Path file) {
        List<Route> routes = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 6) {
                    throw new IllegalArgumentException("routes.tsv: 6 tab-separated columns expected: " + line);
                }
                if (!SERVICES.contains(f[1])) {
                    throw new IllegalArgumentException("routes.tsv: unknown service " + f[1]);
                }
                boolean prefix = switch (f[2]) {
                    case "exact" -> false;
                    case "prefix" -> true;
                    default -> throw new IllegalArgumentException("routes.tsv: match is exact or prefix: " + line);
                };
                if (prefix != f[0].endsWith("/") || !f[0].startsWith("/")) {
                    throw new IllegalArgumentException("routes.tsv: a path starts with /, and ends with / iff prefix: "
                            + line);
                }
                boolean http = f[3].equals("http") || f[3].equals("http+websocket");
                boolean websocket = f[3].equals("websocket") || f[3].equals("http+websocket");
                if (!http && !websocket) {
                    throw new IllegalArgumentException("routes.tsv: unknown protocol " + f[3]);
                }
                String pending = null;
                if (f[5].startsWith("pending:")) {
                    pending = f[5].substring("pending:".length());
                } else if (!f[5].equals("live")) {
                    throw new IllegalArgumentException("routes.tsv: state is live or pending:<issue>: " + line);
                }
                routes.add(new Route(f[0], f[1], prefix, http, websocket, f[4].equals("spec"), pending));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RouteTable(List.copyOf(routes));
    }
}
