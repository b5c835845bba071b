package org.vmemperor.console.service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.access.AccessRights;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.common.security.VerifiedToken;
import org.vmemperor.common.view.InventoryViews;
import org.vmemperor.common.view.VmViews;
import org.vmemperor.common.xenapi.XenClass;
import org.vmemperor.common.xenapi.XenObject;
import org.vmemperor.common.xenapi.XenObjectCache;
import org.vmemperor.console.config.ConsoleConfig;

import io.quarkus.logging.Log;

/**
 * POST /vnc: checks the caller's {@code launch} right and that the VM runs (the console never starts a VM), issues a
 * secret and answers the WebSocket URL a client (noVNC) opens without any cookie.
 */
@ApplicationScoped
public class VncService {

    /** A host, optionally with a port: what may go into the URL we hand out (no path, no user info, no spaces). */
    private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9.\\-]+(:\\d{1,5})?$|^\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?$");

    private final XenObjectCache cache;
    private final ConsoleTickets tickets;
    private final ConsoleConfig config;

    public VncService(XenObjectCache cache, ConsoleTickets tickets, ConsoleConfig config) {
        this.cache = cache;
        this.tickets = tickets;
        this.config = config;
    }

    /** The console URL for a VM the caller may launch: {@code ws[s]://<origin>/console?secret=<secret>}. */
    public String consoleUrl(VerifiedToken token, String vmUuid, RequestOrigin origin) {
        XenObject vm = runningVm(token, vmUuid);
        ConsoleTickets.Issued issued = tickets.issue(token, vm.uuid());
        Log.infof("console secret issued: user=%s vm=%s expires=%s", token.principal().id(), vm.uuid(),
                issued.expires());
        return webSocketBase(origin) + "/console?secret=" + issued.secret();
    }

    /** The user VM with this uuid, if {@code user} holds {@code launch} on it (400 unknown, 403 no right). */
    public XenObject launchableVm(UserPrincipal user, String vmUuid) {
        XenObject vm = cache.requireByUuid(XenClass.VM, vmUuid);
        if (!VmViews.isUserVm(vm)) {
            // templates, snapshots and dom0 have no console a user may open: answered like an unknown uuid
            throw ApiException.unknownObject("VM", vmUuid, List.of("UUID_INVALID", "vm", vmUuid));
        }
        AccessRights.require(user, InventoryViews.otherConfig(vm), Action.LAUNCH);
        return vm;
    }

    /** The VM by uuid, if it is a user VM the caller holds {@code launch} on and it is running with a VNC console. */
    public XenObject runningVm(VerifiedToken token, String vmUuid) {
        XenObject vm = launchableVm(token.principal(), vmUuid);
        String powerState = vm.string("power_state");
        if (!"Running".equals(powerState)) {
            throw ApiException.badRequest("the VM is not running (" + powerState.toLowerCase(Locale.ROOT)
                    + "): start it first, the console does not start VMs");
        }
        if (rfbConsoleLocation(vm).isEmpty()) {
            throw ApiException.badRequest("the VM has no VNC console yet");
        }
        return vm;
    }

    /** The location of the VM's {@code rfb} console, from the cache. */
    public Optional<String> rfbConsoleLocation(XenObject vm) {
        for (String ref : vm.strings("consoles")) {
            Optional<XenObject> console = cache.byRef(XenClass.CONSOLE, ref);
            if (console.isPresent() && "rfb".equals(console.get().string("protocol"))
                    && !console.get().string("location").isBlank()) {
                return Optional.of(console.get().string("location"));
            }
        }
        return Optional.empty();
    }

    private String webSocketBase(RequestOrigin origin) {
        Optional<String> configured = config.publicUrl().map(String::trim).filter(url -> !url.isEmpty());
        if (configured.isPresent()) {
            String url = configured.get();
            url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            if (url.regionMatches(true, 0, "https://", 0, 8)) {
                return "wss://" + url.substring(8);
            }
            if (url.regionMatches(true, 0, "http://", 0, 7)) {
                return "ws://" + url.substring(7);
            }
            return url;
        }
        if (origin.host() == null || !HOST.matcher(origin.host()).matches()) {
            throw ApiException.badRequest("cannot build the console URL from the Host header");
        }
        return ("https".equalsIgnoreCase(origin.scheme()) ? "wss://" : "ws://") + origin.host();
    }
}
