package org.vmemperor.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The suite's route table, for tests that check a service against it: {@code deploy/routes.tsv} when the repository
 * has it (tab-separated: path, service, exact|prefix, protocol, origin, live|pending:...), else DESIGN.md's table
 * as it stands (every route live, plain HTTP but the WebSocket-only /console).
 */
public final class RouteTable {

    /** One public route; {@code prefix} routes end with "/". */
    public record Route(String path, String service, boolean prefix, boolean http, boolean live) {
    }

    private static final List<Route> DESIGN = Stream.of(
            route("access", "/login /adminauth /logout /userinfo /userlist /grouplist /getaccess /setaccess"
                    + " /createuser /deleteuser /creategroup /deletegroup /groupmember"),
            route("vm", "/createvm /taskstatus /vminfo /vmlist /startstopvm /rebootvm /destroyvm /vmdiskinfo"
                    + " /vmnetinfo /netaction /attachdetachvdi /attachdetachiso /tmpllist /alltemplates /turntemplate"
                    + " /autoinstall/"),
            route("inventory", "/poollist /netlist /netinfo /isolist /isoinfo /vdilist /vdiinfo /destroyvdi"),
            route("console", "/vnc /console.html"),
            route("playbook", "/playbooks /executeplaybook"))
            .flatMap(List::stream).toList();

    private RouteTable() {
    }

    /** Every route, read from the repository root's deploy/routes.tsv when a test runs in a module directory. */
    public static List<Route> routes() {
        Path file = Path.of("..", "deploy", "routes.tsv");
        if (!Files.isRegularFile(file)) {
            return DESIGN;
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("\t"))
                    .map(column -> new Route(column[0], column[1], "prefix".equals(column[2]),
                            column[3].contains("http"), "live".equals(column[5])))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live plain-HTTP routes of one service. */
    public static List<Route> liveHttpRoutes(String service) {
        return routes().stream().filter(r -> r.service().equals(service) && r.http() && r.live()).toList();
    }

    private static List<Route> route(String service, String paths) {
        return Stream.of(paths.split(" "))
                .map(path -> new Route(path, service, path.endsWith("/"), true, true)).toList();
    }
}
