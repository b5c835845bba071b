package org.vmemperor.simulator.ops;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every IPv4 address the simulator's guests report. They all lie in 127.0.0.0/8: tests, CI and the standalone's demo
 * may only ever connect to loopback, and a playbook run (SSH) or any other client following a reported address must
 * never reach a real network. Demo VM number {@code n} gets {@code 127.10.x.y}; installer leases come from
 * {@code 127.11.x.y}.
 */
public final class GuestAddresses {

    private final AtomicInteger leases = new AtomicInteger();

    /** The fixed address of demo VM number {@code index} (0-based): 127.10.10.2, 127.10.10.3, ... */
    public static String demo(int index) {
        return String.format(Locale.ROOT, "127.10.%d.%d", (10 + index / 250) % 256, 2 + index % 250);
    }

    /** The next DHCP lease the installer hands out: 127.11.0.2, 127.11.0.3, ... */
    public String lease() {
        int n = leases.getAndIncrement();
        return String.format(Locale.ROOT, "127.11.%d.%d", (n / 250) % 256, 2 + n % 250);
    }

    /**
     * The address a guest configured with {@code wanted} (a static address from its answer file, or one loaded from an
     * older state file) reports: the address itself when it is loopback, otherwise a lease, so that no address outside
     * 127.0.0.0/8 is ever reported by the simulator itself.
     */
    public String loopbackOr(String wanted) {
        return isLoopback(wanted) ? wanted : lease();
    }

    /** Whether {@code ip} is a dotted IPv4 address in 127.0.0.0/8. */
    public static boolean isLoopback(String ip) {
        if (ip == null) {
            return false;
        }
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4 || !"127".equals(parts[0])) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
