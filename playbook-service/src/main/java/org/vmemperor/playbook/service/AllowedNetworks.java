package org.vmemperor.playbook.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.playbook.config.PlaybookConfig;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * {@code vmemperor.playbooks.networks}: the IPv4 networks runs may connect to. Addresses are parsed as dotted quads
 * only, never resolved, so checking one never touches the network. Built at start-up, so a malformed entry stops the
 * service with its message instead of failing requests later.
 */
@Startup
@ApplicationScoped
public class AllowedNetworks {

    private final List<Cidr> networks;

    public AllowedNetworks(PlaybookConfig config) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : config.networks().orElse(List.of())) {
            parsed.add(Cidr.parse(cidr.trim()).orElseThrow(() -> new IllegalArgumentException(
                    "vmemperor.playbooks.networks: '" + cidr + "' is not an IPv4 CIDR such as 10.0.0.0/8")));
        }
        this.networks = List.copyOf(parsed);
        if (networks.isEmpty()) {
            Log.warn("vmemperor.playbooks.networks is empty: every playbook run will be refused");
        }
    }

    public boolean allows(String address) {
        Optional<Long> ip = parseIpv4(address);
        return ip.isPresent() && networks.stream().anyMatch(network -> network.contains(ip.get()));
    }

    /** A dotted-quad IPv4 address as an unsigned 32-bit number; empty for anything else (hostnames, IPv6). */
    static Optional<Long> parseIpv4(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return Optional.empty();
            }
            value = (value << 8) | octet;
        }
        return Optional.of(value);
    }

    record Cidr(long network, long mask) {

        static Optional<Cidr> parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                return parseIpv4(text).map(ip -> new Cidr(ip, 0xFFFFFFFFL));
            }
            Optional<Long> ip = parseIpv4(text.substring(0, slash));
            String bits = text.substring(slash + 1);
            if (ip.isEmpty() || !bits.matches("\\d{1,2}") || Integer.parseInt(bits) > 32) {
                return Optional.empty();
            }
            long mask = Integer.parseInt(bits) == 0 ? 0 : (0xFFFFFFFFL << (32 - Integer.parseInt(bits))) & 0xFFFFFFFFL;
            return Optional.of(new Cidr(ip.get() & mask, mask));
        }

        boolean contains(long ip) {
            return (ip & mask) == network;
        }
    }
}
