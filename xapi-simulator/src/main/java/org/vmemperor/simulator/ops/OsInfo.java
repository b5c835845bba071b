package org.vmemperor.simulator.ops;

import java.util.Locale;

/** The operating system a VM's disk holds, as its guest agent reports it once booted. */
public record OsInfo(String distro, String name, String major, String minor, String uname, String ip) {
    /** A plausible system for a distro family ("debian", "ubuntu", "centos", "windows", ...). */
    public static OsInfo of(String distro, String ip) {
        return switch (distro.toLowerCase(Locale.ROOT)) {
            case "ubuntu" -> new OsInfo("ubuntu", "Ubuntu 22.04.4 LTS", "22", "04", "5.15.0-105-generic", ip);
            case "centos" -> new OsInfo("centos", "CentOS Linux release 7.9.2009 (Core)", "7", "9",
                    "3.10.0-1160.el7.x86_64", ip);
            case "windows" -> new OsInfo("windows", "Microsoft Windows 10 Pro|C:\\Windows|\\Device\\Harddisk0\\Partition2",
                    "10", "0", "", ip);
            default -> new OsInfo("debian", "Debian GNU/Linux 12 (bookworm)", "12", "5", "6.1.0-18-amd64", ip);
        };
    }

    public OsInfo withIp(String newIp) {
        return new OsInfo(distro, name, major, minor, uname, newIp);
    }
}
