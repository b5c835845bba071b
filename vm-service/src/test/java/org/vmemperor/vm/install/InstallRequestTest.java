package org.vmemperor.vm.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class InstallRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InstallTarget DEBIAN = new InstallTarget(OsKind.DEBIAN, "bookworm");

    static ObjectNode valid() {
        ObjectNode body = JSON.createObjectNode();
        body.put("hostname", "web01");
        body.put("username", "alice");
        body.put("password", "Tr0ub4dor&3");
        return body;
    }

    private static InstallRequest read(ObjectNode body) {
        return InstallRequest.from(Args.of(body), DEBIAN);
    }

    private static String rejected(ObjectNode body) {
        ApiException error = assertThrows(ApiException.class, () -> read(body));
        assertEquals(400, error.httpStatus());
        return error.body().message();
    }

    @Test
    void readsAMinimalDhcpRequest() {
        InstallRequest request = read(valid());
        assertEquals("web01", request.hostname());
        assertEquals("alice", request.username());
        assertEquals(Optional.empty(), request.fullname());
        assertEquals(Optional.empty(), request.network());
        assertEquals(Optional.empty(), request.mirrorUrl());
        assertEquals(PartitionScheme.AUTO, request.partition());
        assertTrue(request.passwordHash().startsWith("$6$"));
        assertEquals(request.passwordHash(), PasswordHasher.sha512Crypt("Tr0ub4dor&3",
                request.passwordHash().substring(0, request.passwordHash().lastIndexOf('$'))));
        assertFalse(request.toString().contains(request.passwordHash()), "toString leaves the hash out");
    }

    @Test
    void readsAStaticRequest() {
        ObjectNode body = valid();
        body.put("fullname", "Alice O'Neil");
        body.put("mirror_url", "https://Mirror.Example.org:8443/debian/");
        body.put("ip", "10.0.5.20");
        body.put("gateway", "10.0.5.1");
        body.put("netmask", "/24");
        body.put("dns0", "10.0.0.53");
        body.put("dns1", "1.1.1.1");
        body.put("partition", "/-8192-");
        InstallRequest request = read(body);
        assertEquals(Optional.of("Alice O'Neil"), request.fullname());
        assertEquals(Optional.of(URI.create("https://mirror.example.org:8443/debian")), request.mirrorUrl());
        assertEquals(Optional.of(new StaticNetwork("10.0.5.20", "255.255.255.0", "10.0.5.1",
                List.of("10.0.0.53", "1.1.1.1"))), request.network());
        assertEquals(24, request.network().get().prefixLength());
        assertEquals(1, request.partition().volumes().size());

        ObjectNode noDns = valid();
        noDns.put("ip", "192.168.1.10");
        noDns.put("gateway", "192.168.1.1");
        noDns.put("netmask", "255.255.255.0");
        assertEquals(List.of("192.168.1.1"), read(noDns).network().get().nameservers(), "the gateway resolves");
    }

    @Test
    void requiresHostnameUsernameAndPassword() {
        for (String name : List.of("hostname", "username", "password")) {
            ObjectNode body = valid();
            body.remove(name);
            assertEquals("missing argument '" + name + "'", rejected(body));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "hostname|-web", "hostname|web_01", "hostname|web.example.org",
            "hostname|a234567890123456789012345678901234567890123456789012345678901234",
            "hostname|we b", "username|Alice", "username|1alice", "username|root", "username|al:ice", "username|alice;rm",
            "username|a23456789012345678901234567890123", "fullname|Alice/d-i",
            "fullname|Bob \"quoted\"", "fullname|a,b", "mirror_url|ftp://deb.debian.org/debian",
            "mirror_url|http://user:pw@deb.debian.org/debian", "mirror_url|http://deb.debian.org/debian?x=1",
            "mirror_url|deb.debian.org/debian", "mirror_url|http:///debian", "mirror_url|http://host/a b",
            "partition|nonsense", "dns0|10.0.0.1" })
    void namesTheBadArgument(String name, String value) {
        ObjectNode body = valid();
        body.put(name, value);
        String message = rejected(body);
        assertTrue(message.contains("'" + name + "'"), message);
    }

    @Test
    void refusesLineBreaksThatWouldAddAnswerFileLines() {
        for (String name : List.of("fullname", "hostname", "username", "mirror_url", "partition")) {
            ObjectNode body = valid();
            body.put(name, "x\nd-i passwd/root-login boolean true");
            String message = rejected(body);
            assertTrue(message.contains("'" + name + "'"), message);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ip|10.0.0.256|10.0.0.1|255.255.255.0", "ip|010.0.0.5|10.0.0.1|255.255.255.0",
            "ip|10.0.0.0|10.0.0.1|255.255.255.0", "ip|10.0.0.255|10.0.0.1|255.255.255.0",
            "gateway|10.0.0.5|10.0.1.1|255.255.255.0", "gateway|10.0.0.5|10.0.0.5|255.255.255.0",
            "gateway|10.0.0.5|gw|255.255.255.0", "netmask|10.0.0.5|10.0.0.1|255.0.255.0",
            "netmask|10.0.0.5|10.0.0.1|33", "netmask|10.0.0.5|10.0.0.1|255.255.255.255", "netmask|10.0.0.5|10.0.0.1|x" })
    void validatesStaticAddresses(String bad, String ip, String gateway, String netmask) {
        ObjectNode body = valid();
        body.put("ip", ip);
        body.put("gateway", gateway);
        body.put("netmask", netmask);
        String message = rejected(body);
        assertTrue(message.contains("'" + bad + "'"), message);
    }

    @Test
    void staticNeedsIpGatewayAndNetmaskTogether() {
        for (Map.Entry<String, String> missing : Map.of("ip", "10.0.0.5", "gateway", "10.0.0.1", "netmask", "24")
                .entrySet()) {
            ObjectNode body = valid();
            body.put("ip", "10.0.0.5");
            body.put("gateway", "10.0.0.1");
            body.put("netmask", "24");
            body.remove(missing.getKey());
            String message = rejected(body);
            assertTrue(message.contains("missing argument '" + missing.getKey() + "'"), message);
        }
    }
}
