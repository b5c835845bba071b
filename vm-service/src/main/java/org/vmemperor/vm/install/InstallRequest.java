package org.vmemperor.vm.install;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;

/**
 * The validated arguments of an unattended install. The password is hashed (SHA-512 crypt) while the arguments are
 * read, so the plain password goes no further than {@link #from}; {@link #toString()} leaves the hash out too.
 *
 * @param target what to install (OS family and release)
 * @param hostname an RFC 1123 label
 * @param username a Linux login name for the first user (who gets sudo)
 * @param fullname the user's full name, or empty
 * @param passwordHash the user's password as a {@code $6$} hash
 * @param mirrorUrl the installation repository, or empty for the distribution's default
 * @param partition the disk layout
 * @param network a static address, or empty for DHCP
 */
public record InstallRequest(InstallTarget target, String hostname, String username, Optional<String> fullname,
        String passwordHash, Optional<URI> mirrorUrl, PartitionScheme partition, Optional<StaticNetwork> network) {

    private static final Pattern HOSTNAME = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$");
    /** Debian's adduser default NAME_REGEX, capped at useradd's 32 characters. */
    private static final Pattern USERNAME = Pattern.compile("^[a-z][-a-z0-9_]{0,31}$");
    /** Accounts the installers create themselves or refuse: taking one would break the system or the install. */
    private static final Set<String> RESERVED_USERS = Set.of("root", "daemon", "bin", "sys", "sync", "games", "man",
            "lp", "mail", "news", "uucp", "proxy", "www-data", "backup", "list", "irc", "gnats", "nobody", "sshd",
            "systemd-network", "systemd-resolve", "systemd-timesync", "messagebus", "syslog", "adm", "operator",
            "ftp", "halt", "shutdown", "polkitd", "chrony", "apt", "admin", "sudo", "wheel", "users");
    /**
     * Letters (any script), digits, spaces and . ' - only: the name lands in a GECOS field (where , and : are
     * separators) and in answer-file lines (where quotes, backslashes and newlines would change the file).
     */
    private static final Pattern FULLNAME = Pattern.compile("^[\\p{L}\\p{M}\\p{N} .'-]{1,128}$");
    private static final Pattern URL_PATH = Pattern.compile("^[A-Za-z0-9._~/%+-]*$");
    private static final int MAX_PASSWORD = 256;

    public InstallRequest {
        if (target == null || hostname == null || username == null || passwordHash == null || partition == null) {
            throw new IllegalArgumentException("incomplete install request");
        }
        fullname = fullname == null ? Optional.empty() : fullname;
        mirrorUrl = mirrorUrl == null ? Optional.empty() : mirrorUrl;
        network = network == null ? Optional.empty() : network;
    }

    /**
     * Reads and validates the install arguments of a /createvm request for a template with this target. Every
     * problem is a 400 that names the argument.
     */
    public static InstallRequest from(Args args, InstallTarget target) {
        String hostname = args.string("hostname");
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw ApiException.badRequest("argument 'hostname' must be a host name of 1 to 63 letters, digits and"
                    + " inner dashes (RFC 1123 label)");
        }
        String username = args.string("username");
        if (!USERNAME.matcher(username).matches()) {
            throw ApiException.badRequest("argument 'username' must be a Linux login name: a lowercase letter, then"
                    + " up to 31 lowercase letters, digits, '-' or '_'");
        }
        if (RESERVED_USERS.contains(username)) {
            throw ApiException.badRequest("argument 'username' names a system account (" + username + ")");
        }
        String password = args.string("password", MAX_PASSWORD);
        if (password.length() > MAX_PASSWORD || password.chars().anyMatch(c -> c == 0)) {
            throw ApiException.badRequest("argument 'password' must be at most " + MAX_PASSWORD
                    + " characters without NUL");
        }
        Optional<String> fullname = args.optionalString("fullname").map(String::trim);
        if (fullname.isPresent() && !FULLNAME.matcher(fullname.get()).matches()) {
            throw ApiException.badRequest("argument 'fullname' may hold letters, digits, spaces and . ' - only (at"
                    + " most 128)");
        }
        Optional<URI> mirror = args.optionalString("mirror_url", 512).map(InstallRequest::mirror);
        PartitionScheme partition = PartitionScheme.parse(args.optionalString("partition").orElse("auto"));
        Optional<StaticNetwork> network = network(args);
        return new InstallRequest(target, hostname.toLowerCase(Locale.ROOT), username, fullname,
                PasswordHasher.sha512Crypt(password), mirror, partition, network);
    }

    /** An http(s) URL with a host and a plain path: no credentials, query or fragment (they would end up in PV_args). */
    static URI mirror(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw badMirror();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawPath() == null
                || !URL_PATH.matcher(uri.getRawPath()).matches() || text.length() > 512) {
            throw badMirror();
        }
        String path = uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return URI.create(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + port + path);
    }

    private static ApiException badMirror() {
        return ApiException.badRequest("argument 'mirror_url' must be an http:// or https:// URL with a host and a"
                + " path, without credentials, query or fragment");
    }

    private static Optional<StaticNetwork> network(Args args) {
        Optional<String> ip = address(args, "ip");
        Optional<String> gateway = address(args, "gateway");
        Optional<String> netmask = args.optionalString("netmask").map(String::trim);
        Optional<String> dns0 = address(args, "dns0");
        Optional<String> dns1 = address(args, "dns1");
        if (ip.isEmpty() && gateway.isEmpty() && netmask.isEmpty()) {
            for (String name : List.of("dns0", "dns1")) {
                if (args.has(name)) {
                    throw ApiException.badRequest("argument '" + name + "' is only used with a static address"
                            + " ('ip', 'gateway' and 'netmask'); DHCP provides name servers");
                }
            }
            return Optional.empty();
        }
        for (String name : List.of("ip", "gateway", "netmask")) {
            if (!args.has(name)) {
                throw ApiException.badRequest("missing argument '" + name + "': a static address needs 'ip',"
                        + " 'gateway' and 'netmask' together (none of them means DHCP)");
            }
        }
        int mask = netmask(netmask.get());
        int address = Ipv4.parse(ip.get());
        int router = Ipv4.parse(gateway.get());
        int hostBits = ~mask;
        if ((address & hostBits) == 0 || (address & hostBits) == hostBits) {
            throw ApiException.badRequest("argument 'ip' is the network or broadcast address of its subnet");
        }
        if ((address & mask) != (router & mask) || router == address) {
            throw ApiException.badRequest("argument 'gateway' must be another address in the subnet of 'ip' and"
                    + " 'netmask'");
        }
        List<String> nameservers = new ArrayList<>();
        dns0.ifPresent(nameservers::add);
        dns1.ifPresent(nameservers::add);
        if (nameservers.isEmpty()) {
            // without any name server the installer cannot resolve the mirror; the gateway usually forwards DNS
            nameservers.add(gateway.get());
        }
        return Optional.of(new StaticNetwork(ip.get(), Ipv4.format(mask), gateway.get(), nameservers));
    }

    private static Optional<String> address(Args args, String name) {
        Optional<String> value = args.optionalString(name).map(String::trim);
        if (value.isPresent() && !Ipv4.isValid(value.get())) {
            throw ApiException.badRequest("argument '" + name + "' must be an IPv4 address such as 10.0.0.5");
        }
        return value;
    }

    /** A dotted netmask with contiguous ones (255.255.255.0) or a prefix length (24 or /24), from /1 to /30. */
    private static int netmask(String text) {
        String prefix = text.startsWith("/") ? text.substring(1) : text;
        int mask;
        if (prefix.matches("^[0-9]{1,2}$")) {
            int bits = Integer.parseInt(prefix);
            if (bits < 1 || bits > 30) {
                throw badNetmask();
            }
            mask = -1 << (32 - bits);
        } else if (Ipv4.isValid(text)) {
            mask = Ipv4.parse(text);
        } else {
            throw badNetmask();
        }
        int bits = Integer.bitCount(mask);
        boolean contiguous = bits == 0 || mask == -1 << (32 - bits);
        if (!contiguous || bits < 1 || bits > 30) {
            throw badNetmask();
        }
        return mask;
    }

    private static ApiException badNetmask() {
        return ApiException.badRequest("argument 'netmask' must be a netmask such as 255.255.255.0 (or a prefix"
                + " length from 1 to 30)");
    }

    @Override
    public String toString() {
        // no password hash: records print every component, and requests may end up in logs
        return "InstallRequest[target=" + target + ", hostname=" + hostname + ", username=" + username + ", mirrorUrl="
                + mirrorUrl + ", partition=" + partition + ", network=" + network + "]";
    }
}
