package org.vmemperor.vm.install;

import java.util.List;

/**
 * A static IPv4 configuration for eth0 of an installed VM: address, dotted netmask, gateway and one or two name
 * servers. Without one, the installer and the installed system use DHCP.
 */
public record StaticNetwork(String ip, String netmask, String gateway, List<String> nameservers) {

    public StaticNetwork {
        nameservers = List.copyOf(nameservers);
    }

    /** The netmask as a prefix length, e.g. 24 for 255.255.255.0. */
    public int prefixLength() {
        return Integer.bitCount(Ipv4.parse(netmask));
    }
}
