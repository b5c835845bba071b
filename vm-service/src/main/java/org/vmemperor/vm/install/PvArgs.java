package org.vmemperor.vm.install;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a VM needs to run its unattended install: the installer's kernel command line ({@code PV_args}) pointing at the
 * one-time answer-file URL, and the {@code other_config} keys XenServer's eliloader reads to fetch the installer
 * ({@code install-repository}, {@code install-distro}, {@code debian-release}). Neither holds the password.
 *
 * @param commandLine the value for {@code VM.set_PV_args}
 * @param otherConfig keys to add to the VM's other_config (existing keys of the template stay)
 */
public record PvArgs(String commandLine, Map<String, String> otherConfig) {

    public PvArgs {
        otherConfig = Map.copyOf(otherConfig);
    }

    /**
     * Debian/Ubuntu: {@code auto=true priority=critical console=hvc0 ... preseed/url=<url>}, with the network settings
     * on the command line too, because the installer configures the network before it can fetch the preseed file.
     * CentOS: {@code ks=<url> ksdevice=eth0} (el7) or {@code inst.ks=<url>} (later) with dracut's {@code ip=} for a
     * static address.
     */
    public static PvArgs of(InstallRequest request, URI mirror, String domain, String answerFileUrl) {
        InstallTarget target = request.target();
        List<String> args = new ArrayList<>();
        Map<String, String> otherConfig = new LinkedHashMap<>();
        otherConfig.put("install-repository", mirror.toString());
        otherConfig.put("install-distro", target.kind().installDistro());
        if (target.kind().usesPreseed()) {
            otherConfig.put("debian-release", target.release());
            args.add("auto=true");
            args.add("priority=critical");
            args.add("console=hvc0");
            args.add("debian-installer/locale=en_US.UTF-8");
            args.add("keyboard-configuration/xkb-keymap=us");
            args.add("netcfg/choose_interface=eth0");
            args.add("netcfg/get_hostname=" + request.hostname());
            args.add("netcfg/get_domain=" + domain);
            request.network().ifPresent(network -> {
                args.add("netcfg/disable_autoconfig=true");
                args.add("netcfg/get_ipaddress=" + network.ip());
                args.add("netcfg/get_netmask=" + network.netmask());
                args.add("netcfg/get_gateway=" + network.gateway());
                // one value only: the command line splits on spaces; the preseed file sets every name server
                args.add("netcfg/get_nameservers=" + network.nameservers().get(0));
                args.add("netcfg/confirm_static=true");
            });
            args.add("preseed/url=" + answerFileUrl);
        } else {
            args.add("console=hvc0");
            if (target.majorVersion() > 0 && target.majorVersion() <= 7) {
                args.add("ks=" + answerFileUrl);
                args.add("ksdevice=eth0");
            } else {
                args.add("inst.ks=" + answerFileUrl);
            }
            args.add("inst.text");
            if (request.partition().gpt()) {
                // anaconda on a BIOS machine only writes a GPT label when asked on the command line (el7)
                args.add("inst.gpt");
            }
            request.network().ifPresent(network -> {
                args.add("ip=" + network.ip() + "::" + network.gateway() + ":" + network.netmask() + ":"
                        + request.hostname() + ":eth0:none");
                network.nameservers().forEach(server -> args.add("nameserver=" + server));
            });
        }
        return new PvArgs(String.join(" ", args), otherConfig);
    }

    @Override
    public String toString() {
        // the command line carries the one-time token, which is never logged
        return "PvArgs[otherConfig=" + otherConfig + "]";
    }
}
