package org.vmemperor.vm.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.qute.Engine;
import io.quarkus.qute.TemplateLocator.TemplateLocation;
import io.quarkus.qute.Variant;

/** Each template rendered by a bare Qute engine from the same classpath resources the application uses. */
class AnswerFilesTest {

    static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk3bP0cQ0Jw2Lr0P1ntA7pS+5Zp6f9Xz0qS9wLx1mQ3"
            + " ansible@vmemperor";
    static final String PASSWORD = "Tr0ub4dor&3";
    static final String URL = "http://vmemperor.test:8080/autoinstall/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
    static final InstallSettings SETTINGS = new InstallSettings("example.lan", Optional.of(SSH_KEY),
            "http://deb.debian.org/debian", "http://archive.ubuntu.com/ubuntu", "http://vault.centos.org/7.9.2009/os/x86_64",
            "http://vault.centos.org/8.5.2111/BaseOS/x86_64/os");

    static Engine engine() {
        return Engine.builder().addDefaults().addLocator(id -> {
            URL resource = AnswerFilesTest.class.getClassLoader().getResource("templates/" + id);
            if (resource == null) {
                return Optional.empty();
            }
            return Optional.of(new TemplateLocation() {
                @Override
                public Reader read() {
                    try {
                        return new InputStreamReader(resource.openStream(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public Optional<Variant> getVariant() {
                    return Optional.empty();
                }
            });
        }).build();
    }

    private static InstallRequest request(InstallTarget target, ObjectNode body) {
        return InstallRequest.from(Args.of(body), target);
    }

    private static void assertNoPassword(String text) {
        assertFalse(text.contains(PASSWORD), "the plain password appears in:\n" + text);
    }

    @Test
    void ubuntuWithDhcp() {
        InstallTarget target = new InstallTarget(OsKind.UBUNTU, "jammy");
        ObjectNode body = InstallRequestTest.valid();
        body.put("password", PASSWORD);
        body.put("fullname", "Alice O'Neil");
        InstallRequest request = request(target, body);
        AnswerFiles files = new AnswerFiles(engine(), SETTINGS);
        String preseed = files.render(request);

        assertTrue(preseed.contains("d-i netcfg/get_hostname string web01\n"), preseed);
        assertTrue(preseed.contains("d-i netcfg/get_domain string example.lan\n"), preseed);
        assertTrue(preseed.contains("d-i netcfg/disable_autoconfig boolean false\n"), preseed);
        assertFalse(preseed.contains("get_ipaddress"), preseed);
        assertTrue(preseed.contains("d-i mirror/protocol string http\n"), preseed);
        assertTrue(preseed.contains("d-i mirror/http/hostname string archive.ubuntu.com\n"), preseed);
        assertTrue(preseed.contains("d-i mirror/http/directory string /ubuntu\n"), preseed);
        assertTrue(preseed.contains("d-i mirror/suite string jammy\n"), preseed);
        assertTrue(preseed.contains("d-i passwd/username string alice\n"), preseed);
        assertTrue(preseed.contains("d-i passwd/user-fullname string Alice O'Neil\n"), preseed);
        assertTrue(preseed.contains("d-i passwd/user-password-crypted password " + request.passwordHash() + "\n"),
                preseed);
        assertTrue(preseed.contains("d-i partman-auto/choose_recipe select atomic\n"), preseed);
        assertTrue(preseed.contains("d-i pkgsel/include string openssh-server sudo python3\n"), preseed);
        assertTrue(preseed.contains("echo '" + SSH_KEY + "' >> /target/root/.ssh/authorized_keys"), preseed);
        assertTrue(preseed.contains("d-i debian-installer/exit/poweroff boolean true\n"), preseed);
        assertFalse(preseed.contains("{"), "no unrendered expression:\n" + preseed);
        assertNoPassword(preseed);

        PvArgs pv = PvArgs.of(request, files.mirror(request), files.domain(), URL);
        assertTrue(pv.commandLine().startsWith("auto=true priority=critical console=hvc0 "), pv.commandLine());
        assertTrue(pv.commandLine().contains(" netcfg/get_hostname=web01 netcfg/get_domain=example.lan "),
                pv.commandLine());
        assertTrue(pv.commandLine().endsWith(" preseed/url=" + URL), pv.commandLine());
        assertFalse(pv.commandLine().contains("netcfg/get_ipaddress"), pv.commandLine());
        assertNoPassword(pv.commandLine());
        assertFalse(pv.commandLine().contains(request.passwordHash()));
        assertEquals(Map.of("install-repository", "http://archive.ubuntu.com/ubuntu", "install-distro", "debianlike",
                "debian-release", "jammy"), pv.otherConfig());
        assertFalse(pv.toString().contains(URL), "the token is not printed");
    }

    @Test
    void debianWithStaticAddressAndCustomPartitions() {
        InstallTarget target = new InstallTarget(OsKind.DEBIAN, "stretch");
        ObjectNode body = InstallRequestTest.valid();
        body.put("password", PASSWORD);
        body.put("mirror_url", "https://ftp.ru.debian.org/debian/");
        body.put("ip", "10.10.10.50");
        body.put("gateway", "10.10.10.1");
        body.put("netmask", "255.255.255.0");
        body.put("dns0", "10.10.10.2");
        body.put("dns1", "8.8.8.8");
        body.put("partition", "/-15359--/home-4097-xfs-swap-1024");
        InstallRequest request = request(target, body);
        AnswerFiles files = new AnswerFiles(engine(), SETTINGS);
        String preseed = files.render(request);

        assertTrue(preseed.startsWith("#### VMEmperor unattended install: Debian stretch\n"), preseed);
        assertTrue(preseed.contains("d-i netcfg/disable_autoconfig boolean true\n"), preseed);
        assertTrue(preseed.contains("d-i netcfg/get_ipaddress string 10.10.10.50\n"), preseed);
        assertTrue(preseed.contains("d-i netcfg/get_netmask string 255.255.255.0\n"), preseed);
        assertTrue(preseed.contains("d-i netcfg/get_gateway string 10.10.10.1\n"), preseed);
        assertTrue(preseed.contains("d-i netcfg/get_nameservers string 10.10.10.2 8.8.8.8\n"), preseed);
        assertTrue(preseed.contains("d-i netcfg/confirm_static boolean true\n"), preseed);
        assertTrue(preseed.contains("d-i mirror/protocol string https\n"), preseed);
        assertTrue(preseed.contains("d-i mirror/https/hostname string ftp.ru.debian.org\n"), preseed);
        assertTrue(preseed.contains("d-i mirror/https/directory string /debian\n"), preseed);
        assertTrue(preseed.contains("d-i partman-auto/expert_recipe string vmemperor ::"), preseed);
        assertTrue(preseed.contains("mountpoint{ / }"), preseed);
        assertTrue(preseed.contains("4097 4097 4097 xfs"), preseed);
        assertTrue(preseed.contains("1024 1024 1024 linux-swap"), preseed);
        assertTrue(preseed.contains("d-i partman-auto/choose_recipe select vmemperor\n"), preseed);
        assertTrue(preseed.contains("d-i pkgsel/include string openssh-server sudo python\n"), "Python 2 on 9");
        assertTrue(preseed.contains("d-i passwd/user-password-crypted password " + request.passwordHash()), preseed);
        assertTrue(preseed.contains("d-i debian-installer/exit/poweroff boolean true\n"), preseed);
        assertNoPassword(preseed);

        PvArgs pv = PvArgs.of(request, files.mirror(request), files.domain(), URL);
        assertTrue(pv.commandLine().contains(" netcfg/disable_autoconfig=true netcfg/get_ipaddress=10.10.10.50"
                + " netcfg/get_netmask=255.255.255.0 netcfg/get_gateway=10.10.10.1 netcfg/get_nameservers=10.10.10.2"
                + " netcfg/confirm_static=true preseed/url=" + URL), pv.commandLine());
        assertNoPassword(pv.commandLine());
        assertEquals("https://ftp.ru.debian.org/debian", pv.otherConfig().get("install-repository"));
        assertEquals("stretch", pv.otherConfig().get("debian-release"));
    }

    @Test
    void centosKickstart() {
        InstallTarget target = new InstallTarget(OsKind.CENTOS, "7");
        ObjectNode body = InstallRequestTest.valid();
        body.put("password", PASSWORD);
        body.put("fullname", "Alice Smith");
        body.put("ip", "172.16.0.10");
        body.put("gateway", "172.16.0.1");
        body.put("netmask", "16");
        body.put("dns0", "172.16.0.2");
        body.put("partition", "lvm-/boot-512--/-8192-");
        InstallRequest request = request(target, body);
        AnswerFiles files = new AnswerFiles(engine(), SETTINGS);
        String ks = files.render(request);

        assertTrue(ks.contains("\ninstall\n"), ks);
        assertTrue(ks.contains("url --url=http://vault.centos.org/7.9.2009/os/x86_64\n"), ks);
        assertTrue(ks.contains("network --device=eth0 --bootproto=static --ip=172.16.0.10 --netmask=255.255.0.0"
                + " --gateway=172.16.0.1 --nameserver=172.16.0.2 --onboot=yes --noipv6 --activate"
                + " --hostname=web01.example.lan\n"), ks);
        assertTrue(ks.contains("user --name=alice --gecos=\"Alice Smith\" --groups=wheel --iscrypted --password="
                + request.passwordHash() + "\n"), ks);
        assertTrue(ks.contains("rootpw --lock\n"), ks);
        assertTrue(ks.contains("part /boot --size=512 --fstype=xfs\n"), ks);
        assertTrue(ks.contains("logvol / --vgname=vg0 --name=root --size=8192 --fstype=xfs\n"), ks);
        assertTrue(ks.contains("echo '" + SSH_KEY + "' >> /root/.ssh/authorized_keys\n"), ks);
        assertTrue(ks.trim().endsWith("poweroff"), ks);
        assertFalse(ks.contains("ubuntu"), "the simulator's installer guesses the distribution from the file");
        assertNoPassword(ks);

        PvArgs pv = PvArgs.of(request, files.mirror(request), files.domain(), URL);
        assertEquals("console=hvc0 ks=" + URL + " ksdevice=eth0 inst.text ip=172.16.0.10::172.16.0.1:255.255.0.0"
                + ":web01:eth0:none nameserver=172.16.0.2", pv.commandLine());
        assertEquals(Map.of("install-repository", "http://vault.centos.org/7.9.2009/os/x86_64", "install-distro",
                "rhlike"), pv.otherConfig());
    }

    @Test
    void centosWithDhcpAndNoSshKey() {
        InstallTarget target = new InstallTarget(OsKind.CENTOS, "8");
        InstallSettings noKey = new InstallSettings("localdomain", Optional.empty(), "", "", "", "http://c8/os");
        AnswerFiles files = new AnswerFiles(engine(), noKey);
        InstallRequest request = request(target, InstallRequestTest.valid());
        String ks = files.render(request);
        assertFalse(ks.contains("\ninstall\n"), ks);
        assertTrue(ks.contains("network --device=eth0 --bootproto=dhcp --onboot=yes --activate"
                + " --hostname=web01.localdomain\n"), ks);
        assertTrue(ks.contains("user --name=alice --gecos=\"\" "), ks);
        assertTrue(ks.contains("autopart --type=plain\n"), ks);
        assertFalse(ks.contains("authorized_keys"), ks);
        assertTrue(PvArgs.of(request, files.mirror(request), files.domain(), URL).commandLine()
                .startsWith("console=hvc0 inst.ks=" + URL));
        assertEquals(URI.create("http://c8/os"), files.mirror(request));

        InstallRequest centos6 = request(new InstallTarget(OsKind.CENTOS, "6"), InstallRequestTest.valid());
        ApiException noMirror = assertThrows(ApiException.class, () -> files.mirror(centos6));
        assertTrue(noMirror.body().message().contains("'mirror_url'"));
    }

    @Test
    void acceptsOnlySingleLineKeys() {
        assertTrue(InstallSettings.isValidKey(SSH_KEY));
        assertTrue(InstallSettings.isValidKey("ssh-rsa AAAAB3NzaC1yc2E="));
        assertFalse(InstallSettings.isValidKey("ssh-rsa AAAA' ; rm -rf / '"));
        assertFalse(InstallSettings.isValidKey(SSH_KEY + "\nssh-rsa AAAA"));
        assertFalse(InstallSettings.isValidKey("command=\"sh\" ssh-rsa AAAA"));
    }
}
