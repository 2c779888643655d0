package io.jlvs.director.lab;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.sys.AfPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live dashboard in a real browser (Debian's Chromium, headless, driven through WebDriver by
 * chromedriver) against a running NAT lab with two nginx real servers, HTTP-checked, and light
 * traffic through the VIP: the page lists both servers of the service as up, with their weight
 * and a chart; a weight changed with {@code jlvsadm -e} appears without a reload of the page; the
 * packet rate of the servers appears; when rs2's nginx is killed its row turns down. The page is
 * also laid out for a phone (no sideways scrolling at 390 px). Screenshots of both are left in
 * {@code director/target/} (the README's is one of them).
 *
 * <p>The browser runs in this process's namespace and reaches jlvsd's metrics endpoint, which
 * listens on the director's loopback, through a {@link NamespaceRelay}. Needs root, curl, nginx,
 * chromium and chromedriver ({@code bin/test} installs them); skips saying which is missing.
 */
@Privileged
class LabDashboardBrowserTest {
    private static final String VIP = "192.168.10.100";
    private static final String SERVICE = "TCP " + VIP + ":80";
    private static final String RS1 = "192.168.188.82:80";
    private static final String RS2 = "192.168.188.83:80";
    private static final Path SERVICE_FILE = Scripts.RUN.resolve("director.yaml");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Requests the background client makes, 50 ms apart: a bound on the traffic, not on time. */
    private static final int REQUESTS = 1500;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final Scripts.Started started = new Scripts.Started();
    private NamespaceRelay relay;
    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void prerequisites() {
        assumeTrue(AfPacket.isAvailable(), () -> "dashboard browser test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("dashboard browser test", "curl", "curl", "nginx", "nginx-light", "chromium", "chromium",
                "chromedriver", "chromium-driver");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (relay != null) {
            relay.close();
        }
        started.close();
        Scripts.labDownIfUp();
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void showsTheServersLiveAWeightChangeAndAServerGoingDown() throws Exception {
        Scripts.Result up = Scripts.lab("up", "nat", "--servers", "2", "--scheduler", "wrr", "--backend", "nginx");
        assertEquals(0, up.exitCode(), up::toString);
        String global = Scripts.globalSection();
        Path socket = Scripts.controlSocket(global);
        Files.writeString(SERVICE_FILE, global + """
                  - protocol: tcp
                    vip: %s
                    port: 80
                    scheduler: wrr
                    health-check: {type: http, path: /, interval: 0.5, timeout: 0.4, retries: 2}
                    servers:
                      - {address: 192.168.188.82, method: nat, weight: 1}
                      - {address: 192.168.188.83, method: nat, weight: 1}
                """.formatted(VIP));
        Scripts.ok(Scripts.adm(socket, "--reload"));
        Scripts.await("both servers checked and up", () -> Scripts.metric("jlvs_server_up", RS1) == 1
                && Scripts.metric("jlvs_server_up", RS2) == 1 && Scripts.metric("jlvs_server_health_checked", RS2) == 1);
        started.start(Files.createTempFile("jlvs-dashboard-client", ".out"), List.of("ip", "netns", "exec",
                Scripts.ns("client"), "sh", "-c", "i=0; while [ $i -lt " + REQUESTS + " ]; do curl -s -o /dev/null"
                        + " --max-time 2 http://" + VIP + "/; i=$((i+1)); sleep 0.05; done"));

        relay = NamespaceRelay.to(Scripts.ns("director"), new InetSocketAddress("127.0.0.1", 9180));
        browser = startBrowser();
        browser.manage().window().setSize(new Dimension(1280, 720));
        browser.get("http://127.0.0.1:" + relay.port() + "/");

        onPage("the page lists both servers of " + SERVICE + ", up, weight 1, each with a chart",
                () -> "up".equals(cellAttribute(RS1, "health", "data-state"))
                        && "up".equals(cellAttribute(RS2, "health", "data-state"))
                        && "1".equals(cellAttribute(RS1, "weight", "data-weight"))
                        && "1".equals(cellAttribute(RS2, "weight", "data-weight"))
                        && !browser.findElements(By.cssSelector(row(RS1) + " td.chart canvas")).isEmpty()
                        && !browser.findElements(By.cssSelector(row(RS2) + " td.chart canvas")).isEmpty());
        assertEquals("nat", cellText(RS1, "method"), "the method as the service file names it");
        String summary = browser.findElement(By.id("summary")).getText();
        assertTrue(summary.startsWith("1 service · 2 real servers · 1 worker · "), summary);
        assertTrue(summary.matches(".* · \\S+ frames lost in the rings, \\S+ dropped .*"), summary);

        Scripts.ok(Scripts.adm(socket, "-e", "-t", VIP + ":80", "-r", RS1, "-m", "-w", "3"));
        onPage("the weight set with jlvsadm -e shows without reloading the page",
                () -> "3".equals(cellAttribute(RS1, "weight", "data-weight")) && "3".equals(cellText(RS1, "weight")));

        onPage("the servers' packet rates show", () -> !"0".equals(cellText(RS1, "in-pps"))
                && !"0".equals(cellText(RS2, "in-pps")));

        Scripts.killNginx("rs2");
        onPage("rs2 shows down after its nginx is killed", () -> "down".equals(cellAttribute(RS2, "health",
                "data-state")));
        assertTrue(cellText(RS2, "health").contains("failed"), cellText(RS2, "health"));
        assertEquals("up", cellAttribute(RS1, "health", "data-state"));
        screenshot("dashboard.png");

        browser.manage().window().setSize(new Dimension(390, 844));
        onPage("on a phone's width the page needs no sideways scrolling and the table becomes cards",
                () -> Boolean.TRUE.equals(script("return document.documentElement.scrollWidth <= window.innerWidth"
                        + " && getComputedStyle(document.querySelector('thead')).display === 'none'")));
        screenshot("dashboard-phone.png");
    }

    /** {@link Scripts#await} on the page; a failure says what the page showed then. */
    private void onPage(String what, Scripts.Condition condition) throws IOException, InterruptedException {
        try {
            Scripts.await(what, condition);
        } catch (AssertionError e) {
            String shown;
            try {
                shown = browser.findElement(By.id("live")).getText() + "\n" + browser.findElement(By.id("services"))
                        .getText();
            } catch (RuntimeException unreadable) {
                shown = "(the page could not be read: " + unreadable + ")";
            }
            throw new AssertionError(e.getMessage() + "\nthe page showed:\n" + shown, e);
        }
    }

    private WebDriver startBrowser() throws IOException {
        profile = Files.createTempDirectory("jlvs-dashboard-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root: no sandbox. No background connections: this machine's network is closed.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private void screenshot(String name) throws IOException {
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length), "a PNG screenshot");
        Path target = Scripts.ROOT.resolve("director/target");
        Files.createDirectories(target);
        Files.write(target.resolve(name), png);
    }

    private static String row(String server) {
        return "section[data-service=\"" + SERVICE + "\"] tr[data-server=\"" + server + "\"]";
    }

    /** An attribute of a server's cell (or part of one), or {@code null} while the row is not there. */
    private String cellAttribute(String server, String cell, String attribute) {
        List<WebElement> found = browser.findElements(By.cssSelector(row(server) + " ." + cell));
        return found.isEmpty() ? null : found.getFirst().getDomAttribute(attribute);
    }

    private String cellText(String server, String cell) {
        List<WebElement> found = browser.findElements(By.cssSelector(row(server) + " ." + cell));
        return found.isEmpty() ? "" : found.getFirst().getText().strip();
    }

    private Object script(String code) {
        return ((JavascriptExecutor) browser).executeScript(code);
    }
}
