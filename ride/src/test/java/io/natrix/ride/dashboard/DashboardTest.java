package io.natrix.ride.dashboard;

import io.natrix.ride.harness.RideProcesses;
import io.natrix.ride.RideSecurity;
import io.natrix.ride.sim.Simulator;
import io.natrix.testkit.Folders;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.UnassignedPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (Debian's Chromium, headless, through Debian's chromedriver) against the
 * ride system run as the demo runs it (a process per service and for the gateway, on a nats-server of its
 * own) with simulated drivers and riders: the page loads without console errors, drivers appear and
 * move between two screenshots, and a service panel shows traffic.
 */
class DashboardTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void driversAppearAndMoveAndTheServicePanelsShowTraffic(@TempDir Path keys) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("Debian's chromium and chromium-driver are needed (./natrix test installs them): "
                        + "apt-get install -y chromium chromium-driver").isTrue();
        Path profile = Files.createTempDirectory("natrix-chromium-");
        // secured as the demo is: NATS users and TLS, and the dashboard for an admin who logs in by its link
        RideSecurity security = RideSecurity.reuse(keys); // in a folder JUnit removes after the test, however it ends
        NatsServerProcess server = NatsServerProcess.start(1, true, 0, security.nats()).getFirst();
        int port = UnassignedPorts.choose();
        // the demo's processes, one of each: every service and the gateway a JVM of its own, each traced
        try {
            RideProcesses processes = RideProcesses.start(server.url(), security, 1,
                    new RideProcesses.Layout(1, 1, 1, 1, 1, 1, List.of(port)), "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1");
            try (processes;
                 Simulator simulator = new Simulator(new Simulator.Options(List.of("http://127.0.0.1:" + port),
                         40, 10, 2.0, 60, Duration.ofSeconds(60)))) {
                simulator.start();
                ChromeDriver browser = browser(profile);
                try {
                    browser.get("http://127.0.0.1:" + port + "/dashboard");
                    assertThat(browser.getPageSource()).as("without the admin's link").contains("\"status\":401");
                    browser.manage().logs().get(LogType.BROWSER); // drained: that 401 was asked for; none after it is
                    browser.get("http://127.0.0.1:" + port + "/dashboard?token=" + security.adminToken());
                    assertThat(browser.getCurrentUrl()).as("the token leaves the address bar").endsWith("/dashboard");
                    JavascriptExecutor page = browser;
                    await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) page.executeScript(
                            "return window.natrixDashboard.snapshot ? window.natrixDashboard.snapshot.drivers.length : 0")).intValue() >= 40);
                    Map<String, List<Double>> before = positions(page);
                    byte[] first = browser.getScreenshotAs(OutputType.BYTES);

                    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                            .until(() -> moved(before, positions(page)) >= 5);
                    byte[] second = browser.getScreenshotAs(OutputType.BYTES);
                    Files.write(Path.of("target", "dashboard.png"), second);

                    assertThat(moved(before, positions(page))).as("drivers that moved").isGreaterThanOrEqualTo(5);
                    assertThat(Arrays.equals(first, second)).as("the two screenshots differ").isFalse();
                    assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("live");
                    // the panels are redrawn every second: read them in one script, not element by element
                    List<String> geo = await().atMost(Duration.ofSeconds(10)).until(() -> cells(page, "#services tr[data-service='geo'] td"),
                            row -> row.size() > 2 && Double.parseDouble(row.get(2)) > 0);
                    assertThat(geo.get(1)).as("geo's instances").isEqualTo("1");
                    assertThat(cells(page, "#topology text")).contains("gateway", "dispatch ×1", "geo ×1");
                    await().atMost(Duration.ofSeconds(15)).until(() -> cells(page, "#topology line").size() >= 3);
                    Files.write(Path.of("target", "dashboard.png"), browser.getScreenshotAs(OutputType.BYTES));
                    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                            .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
                    assertThat(errors).as("console errors").isEmpty();
                } finally {
                    browser.quit();
                }
            }
            processes.deleteLogs(); // kept when the test fails, for whoever reads why
        } finally {
            server.stop();
            deleteProfile(profile);
        }
    }

    /** The browser's profile, once it quit; one it still writes to stays where it is, which fails no test. */
    private static void deleteProfile(Path profile) {
        Folders.deleteOrSay(profile, "DashboardTest (the browser's profile)");
    }

    private static ChromeDriver browser(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // the flags this machine needs: no sandbox as root, and no background connections to a closed network
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,850", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<Double>> positions(JavascriptExecutor page) {
        return (Map<String, List<Double>>) page.executeScript(
                "const out = {}; for (const d of window.natrixDashboard.snapshot.drivers) out[d.id] = [d.lat, d.lng]; return out;");
    }

    @SuppressWarnings("unchecked")
    private static List<String> cells(JavascriptExecutor page, String selector) {
        return (List<String>) page.executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);", selector);
    }

    private static long moved(Map<String, List<Double>> before, Map<String, List<Double>> after) {
        return before.entrySet().stream().filter(entry -> after.containsKey(entry.getKey())
                && !after.get(entry.getKey()).equals(entry.getValue())).count();
    }
}
