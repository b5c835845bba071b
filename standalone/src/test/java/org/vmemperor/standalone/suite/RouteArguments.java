package org.vmemperor.standalone.suite;

import java.util.List;
import java.util.Map;

/**
 * What each route of the route table takes (spec/vmemperor-api.txt): its method and its arguments, so the generator
 * can build a well-formed request and then break it one way at a time. A route without an entry (one added to the
 * table later) is attacked as a POST with a {@code uuid}.
 */
public final class RouteArguments {

    /** The kinds of value an argument holds. */
    public enum Kind {
        UUID,
        ID,
        NAME,
        SECRET,
        INTEGER,
        BOOLEAN,
        CHOICE,
        LIST
    }

    public record Arg(String name, Kind kind, boolean required, List<String> choices) {
        static Arg of(String name, Kind kind) {
            return new Arg(name, kind, true, List.of());
        }

        static Arg optional(String name, Kind kind) {
            return new Arg(name, kind, false, List.of());
        }

        static Arg choice(String name, String... choices) {
            return new Arg(name, Kind.CHOICE, true, List.of(choices));
        }
    }

    public record Spec(String method, List<Arg> args) {
    }

    private static final Spec UUID_ONLY = new Spec("POST", List.of(Arg.of("uuid", Kind.UUID)));
    private static final Spec PAGED = new Spec("GET",
            List.of(Arg.optional("page", Kind.INTEGER), Arg.optional("page_size", Kind.INTEGER)));
    private static final Spec NOTHING = new Spec("GET", List.of());
    private static final Spec CREDENTIALS = new Spec("POST", List.of(Arg.of("username", Kind.NAME),
            Arg.of("password", Kind.SECRET), Arg.optional("token", Kind.BOOLEAN)));

    private static final Map<String, Spec> SPECS = Map.ofEntries(
            Map.entry("/login", CREDENTIALS),
            Map.entry("/adminauth", CREDENTIALS),
            Map.entry("/logout", NOTHING),
            Map.entry("/userinfo", NOTHING),
            Map.entry("/userlist", NOTHING),
            Map.entry("/grouplist", NOTHING),
            Map.entry("/getaccess", new Spec("POST", List.of(Arg.choice("type", "VM", "Network", "VDI"),
                    Arg.of("uuid", Kind.UUID)))),
            Map.entry("/setaccess", new Spec("POST", List.of(Arg.choice("type", "VM", "Network", "VDI"),
                    Arg.of("uuid", Kind.UUID), Arg.choice("action", "launch", "attach", "destroy", "all"),
                    Arg.of("user", Kind.ID), Arg.optional("revoke", Kind.BOOLEAN)))),
            Map.entry("/createuser", new Spec("POST", List.of(Arg.of("username", Kind.NAME),
                    Arg.of("password", Kind.SECRET), Arg.optional("name", Kind.NAME)))),
            Map.entry("/deleteuser", new Spec("POST", List.of(Arg.of("id", Kind.ID)))),
            Map.entry("/creategroup", new Spec("POST", List.of(Arg.of("name", Kind.NAME)))),
            Map.entry("/deletegroup", new Spec("POST", List.of(Arg.of("id", Kind.ID)))),
            Map.entry("/groupmember", new Spec("POST", List.of(Arg.of("group", Kind.ID), Arg.of("user", Kind.ID),
                    Arg.choice("action", "add", "remove")))),
            Map.entry("/createvm", new Spec("POST", List.of(Arg.of("template", Kind.UUID),
                    Arg.of("storage", Kind.UUID), Arg.of("network", Kind.UUID), Arg.of("vdi_size", Kind.INTEGER),
                    Arg.of("ram_size", Kind.INTEGER), Arg.of("name_label", Kind.NAME),
                    Arg.optional("vcpus", Kind.INTEGER), Arg.of("hostname", Kind.NAME),
                    Arg.of("username", Kind.NAME), Arg.of("password", Kind.SECRET),
                    Arg.optional("iso", Kind.UUID)))),
            Map.entry("/taskstatus", new Spec("POST", List.of(Arg.of("task", Kind.UUID)))),
            Map.entry("/vminfo", UUID_ONLY),
            Map.entry("/vmdiskinfo", UUID_ONLY),
            Map.entry("/vmnetinfo", UUID_ONLY),
            Map.entry("/vmlist", NOTHING),
            Map.entry("/startstopvm", new Spec("POST", List.of(Arg.of("uuid", Kind.UUID),
                    Arg.of("enable", Kind.BOOLEAN)))),
            Map.entry("/rebootvm", UUID_ONLY),
            Map.entry("/destroyvm", new Spec("POST", List.of(Arg.of("uuid", Kind.UUID),
                    Arg.optional("destroy_disks", Kind.BOOLEAN)))),
            Map.entry("/netaction", new Spec("POST", List.of(Arg.of("uuid", Kind.UUID), Arg.of("net", Kind.UUID),
                    Arg.choice("action", "attach", "detach")))),
            Map.entry("/attachdetachvdi", new Spec("POST", List.of(Arg.of("uuid", Kind.UUID),
                    Arg.of("vdi", Kind.UUID), Arg.choice("action", "attach", "detach")))),
            Map.entry("/attachdetachiso", new Spec("POST", List.of(Arg.of("uuid", Kind.UUID),
                    Arg.of("iso", Kind.UUID), Arg.choice("action", "attach", "detach")))),
            Map.entry("/tmpllist", NOTHING),
            Map.entry("/alltemplates", NOTHING),
            Map.entry("/turntemplate", new Spec("POST", List.of(Arg.of("uuid", Kind.UUID),
                    Arg.choice("action", "enable", "disable")))),
            Map.entry("/autoinstall/", NOTHING),
            Map.entry("/poollist", NOTHING),
            Map.entry("/netlist", PAGED),
            Map.entry("/netinfo", UUID_ONLY),
            Map.entry("/isolist", PAGED),
            Map.entry("/isoinfo", UUID_ONLY),
            Map.entry("/vdilist", PAGED),
            Map.entry("/vdiinfo", UUID_ONLY),
            Map.entry("/destroyvdi", UUID_ONLY),
            Map.entry("/vnc", UUID_ONLY),
            Map.entry("/console", NOTHING),
            Map.entry("/console.html", NOTHING),
            Map.entry("/console/novnc/", NOTHING),
            Map.entry("/playbooks", NOTHING),
            Map.entry("/executeplaybook", new Spec("POST", List.of(Arg.of("playbook", Kind.NAME),
                    Arg.of("vms", Kind.LIST)))),
            Map.entry("/playbooklog", NOTHING));

    private RouteArguments() {
    }

    public static Spec of(String path) {
        return SPECS.getOrDefault(path, UUID_ONLY);
    }
}
