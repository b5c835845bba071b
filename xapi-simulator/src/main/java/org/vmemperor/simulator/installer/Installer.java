package org.vmemperor.simulator.installer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;
import org.vmemperor.simulator.ops.BootListener;
import org.vmemperor.simulator.ops.GuestAddresses;
import org.vmemperor.simulator.ops.OsInfo;
import org.vmemperor.simulator.ops.VmPower;
import org.vmemperor.simulator.store.ObjectStore;

/**
 * A Debian/Ubuntu/CentOS network installer. A VM booted through eliloader (or with install-repository set) whose
 * PV_args carry preseed/url= or ks= fetches that file over real HTTP, then after the install time powers itself
 * off with PV_bootloader switched to pygrub, as a preseed ending in poweroff does. The next boot runs the
 * installed system, which reports guest metrics. A failed fetch leaves the VM running forever, like a hung
 * installer.
 */
public final class Installer implements BootListener {
    private static final Logger LOG = Logger.getLogger(Installer.class);
    private static final Pattern ANSWER_FILE = Pattern.compile("(?:preseed/url|ks)=(\\S+)");
    private static final Pattern PRESEED_IP = Pattern.compile("netcfg/get_ipaddress\\s+string\\s+(\\S+)");
    private static final Pattern KICKSTART_IP = Pattern.compile("--ip[= ](\\S+)");

    private final ObjectStore store;
    private final VmPower power;
    private final ScheduledExecutorService timers;
    private final Duration installTime;
    private final HttpClient http;
    private final Map<String, List<InstallerFetch>> fetches = new ConcurrentHashMap<>();
    /** Bumped on every boot and halt of a VM, so a late download or timer of an older boot does nothing. */
    private final Map<String, Integer> generation = new ConcurrentHashMap<>();
    private final GuestAddresses addresses;

    public Installer(ObjectStore store, VmPower power, ScheduledExecutorService timers, ExecutorService io,
            Duration installTime, GuestAddresses addresses) {
        this.store = store;
        this.addresses = addresses;
        this.power = power;
        this.timers = timers;
        this.installTime = installTime;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(io)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public List<InstallerFetch> fetches(String vmUuid) {
        return List.copyOf(fetches.getOrDefault(vmUuid, List.of()));
    }

    @Override
    public boolean booted(String vm) {
        int boot = generation.merge(vm, 1, Integer::sum);
        String bootloader = store.str("VM", vm, "PV_bootloader");
        // once installed the VM boots through pygrub, even though install-repository stays in other_config
        boolean installerBoot = "eliloader".equals(bootloader) || (!"pygrub".equals(bootloader)
                && store.map("VM", vm, "other_config").containsKey("install-repository"));
        Matcher answerFile = ANSWER_FILE.matcher(store.str("VM", vm, "PV_args"));
        if (!installerBoot || !answerFile.find()) {
            return false;
        }
        String url = answerFile.group(1);
        String uuid = store.str("VM", vm, "uuid");
        LOG.debugf("installer of VM %s fetches %s", uuid, url);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
        } catch (IllegalArgumentException badUrl) {
            record(uuid, new InstallerFetch(url, -1, String.valueOf(badUrl.getMessage())));
            return true;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            InstallerFetch fetch = failure != null ? new InstallerFetch(url, -1, String.valueOf(failure))
                    : new InstallerFetch(url, response.statusCode(), response.body());
            record(uuid, fetch);
            if (fetch.succeeded()) {
                timers.schedule(() -> finish(vm, boot, fetch), installTime.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                LOG.infof("installer of VM %s could not fetch %s (status %d): it hangs", uuid, url,
                        fetch.status());
            }
        });
        return true;
    }

    @Override
    public void halted(String vm) {
        generation.merge(vm, 1, Integer::sum);
    }

    private void record(String uuid, InstallerFetch fetch) {
        fetches.computeIfAbsent(uuid, u -> new CopyOnWriteArrayList<>()).add(fetch);
    }

    /** The install is done: the system is on the disk, the VM powers off and will boot it through pygrub. */
    private void finish(String vm, int boot, InstallerFetch fetch) {
        store.atomically(() -> {
            if (!store.exists("VM", vm) || generation.getOrDefault(vm, 0) != boot
                    || !"Running".equals(store.str("VM", vm, "power_state"))) {
                return;
            }
            OsInfo os = OsInfo.of(distro(vm, fetch), ip(fetch.body()));
            power.systems().put(store.str("VM", vm, "uuid"), os);
            store.set("VM", vm, "PV_bootloader", "pygrub");
            power.halt(vm, "Halted");
            LOG.infof("installer of VM %s finished (%s)", store.str("VM", vm, "uuid"), os.distro());
        });
    }

    private String distro(String vm, InstallerFetch fetch) {
        String text = (fetch.url() + "\n" + fetch.body()).toLowerCase(Locale.ROOT);
        if (text.contains("ubuntu")) {
            return "ubuntu";
        }
        if (text.contains("centos") || text.contains("%packages") || text.contains("rootpw")) {
            return "centos";
        }
        if (text.contains("d-i ")) {
            return "debian";
        }
        return Optional.ofNullable(store.map("VM", vm, "other_config").get("os_kind")).map(Object::toString)
                .orElseGet(() -> store.str("VM", vm, "reference_label").split("-")[0]);
    }

    /**
     * The installed system's address: the answer file's static address when it is loopback, else a loopback lease (a
     * static address elsewhere is replaced: the simulator never reports a guest outside 127.0.0.0/8).
     */
    private String ip(String answerFile) {
        for (Pattern pattern : List.of(PRESEED_IP, KICKSTART_IP)) {
            Matcher matcher = pattern.matcher(answerFile);
            if (matcher.find()) {
                return addresses.loopbackOr(matcher.group(1));
            }
        }
        return addresses.lease();
    }

    public Map<String, List<InstallerFetch>> allFetches() {
        return Map.copyOf(fetches);
    }
}
