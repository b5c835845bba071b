package org.vmemperor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vmemperor.console.testing.Users.as;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.console.testing.TestVms;
import org.vmemperor.console.testing.Users;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * /console.html in a real browser: Debian's chromium, driven through Debian's chromium-driver (CI installs both;
 * nothing downloads a browser or a driver). Logged in as a user, noVNC connects through the relay and the screenshot's
 * pixels show the simulator's test pattern; stopping the VM shows a message. Without a session the page says so.
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class ConsolePageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @Inject
    TokenSigner signer;
    @Inject
    AccessRightsWriter rights;
    @InjectSimulator
    XapiSimulator simulator;
    @TestHTTPResource("/")
    URI base;

    private ChromeDriverService service;
    private ChromeDriver browser;
    private Path profile;

    @BeforeEach
    void startBrowser() throws Exception {
        // required, not skipped: a missing browser must fail CI rather than pass it silently
        assertThat(new File(CHROMIUM).canExecute()).as("Debian's chromium (apt-get install chromium)").isTrue();
        assertThat(new File(CHROMEDRIVER).canExecute()).as("Debian's chromium-driver (apt-get install chromium-driver)")
                .isTrue();
        profile = Files.createTempDirectory("console-chromium");
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
                "--user-data-dir=" + profile, "--window-size=1024,768", "--force-device-scale-factor=1");
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void aLoggedInUserSeesTheVmsScreenThroughNoVncAndIsToldWhenTheVmStops() throws Exception {
        Users users = new Users(signer, rights);
        TestVms vms = new TestVms(simulator);
        String token = users.token("carol");
        String uuid = vms.running("carols-desktop");
        users.grant(uuid, "carol", Action.LAUNCH);
        await().atMost(WAIT).until(() -> as(token).body(Map.of("uuid", uuid)).post("/vnc").statusCode() == 200);

        browser.get(base.resolve("console.html?uuid=" + uuid).toString());
        assertThat(browser.findElement(By.id("message")).getText()).contains("not logged in");
        assertThat(browser.findElements(By.tagName("a"))).as("links to nothing").isEmpty();

        browser.manage().addCookie(new Cookie("vmemperor_session", token));
        browser.get(base.resolve("console.html?uuid=" + uuid).toString());
        assertThat(browser.findElement(By.id("vm-name")).getText()).isEqualTo("carols-desktop");
        await().atMost(WAIT).until(() -> "connected".equals(browser.findElement(By.id("status")).getText()));
        assertThat(browser.findElement(By.id("ctrl-alt-del")).isEnabled()).isTrue();

        // the pixels: white and red bars at the top, the grey ramp, the black name band (TestPattern's layout)
        WebElement canvas = browser.findElement(By.cssSelector("#screen canvas"));
        await().atMost(WAIT).until(() -> {
            Screen screen = screenshot(canvas);
            return screen.rgb(10, 10) == 0xFFFFFF && screen.rgb(640 * 5 / 7 + 10, 10) == 0xFF0000
                    && screen.rgb(640 * 6 / 7 + 10, 150) == 0x0000FF;
        });
        Screen screen = screenshot(canvas);
        assertThat(screen.rgb(640 * 3 / 7 + 10, 200)).as("green bar").isEqualTo(0x00FF00);
        assertThat(screen.rgb(2, 320) & 0xFF).as("the ramp starts dark").isLessThan(16);
        assertThat(screen.rgb(637, 320) & 0xFF).as("the ramp ends light").isGreaterThan(240);
        assertThat(screen.rgb(5, 470)).as("the name band").isEqualTo(0x000000);
        ImageIO.write(screen.image(), "png", Path.of("target", "console-page.png").toFile());

        vms.hardShutdown(uuid);
        await().atMost(WAIT).until(() -> "disconnected".equals(browser.findElement(By.id("status")).getText()));
        assertThat(browser.findElement(By.id("message")).getText()).contains("The VM is not running")
                .contains("the VM stopped (halted)");
        assertThat(browser.findElement(By.id("ctrl-alt-del")).isEnabled()).isFalse();
    }

    /** A screenshot cut to the canvas (device scale factor 1: one screenshot pixel per canvas pixel). */
    private record Screen(BufferedImage image) {
        int rgb(int x, int y) {
            return image.getRGB(x, y) & 0xFFFFFF;
        }
    }

    private Screen screenshot(WebElement canvas) throws Exception {
        BufferedImage page = ImageIO.read(new ByteArrayInputStream(browser.getScreenshotAs(OutputType.BYTES)));
        Rectangle rect = canvas.getRect();
        assertThat(rect.getWidth()).isEqualTo(640);
        assertThat(rect.getHeight()).isEqualTo(480);
        return new Screen(page.getSubimage(rect.getX(), rect.getY(), rect.getWidth(), rect.getHeight()));
    }
}
