package dev.taskq.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The abuse protection as a person meets it, in headless Chromium: the limit message with the values kept, a
 * honeypot nobody sees, and a browser console without errors (no CSP violation, no missing favicon) on the form
 * and the confirmation page. Skipped where Chromium and chromedriver are not installed.
 */
@TaskqIT
class AbuseProtectionBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("abuse-browser", TestServers.get().redisUrl(),
                "taskq.key-prefix=abusebrowser\ntaskq.limit.recipient-per-hour=1\n");
    }

    @ArquillianResource
    URL base;

    private WebDriver browser;

    @BeforeEach
    void startBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Browser test skipped: it needs /usr/bin/chromium and /usr/bin/chromedriver");
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=390,844");
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void overTheLimitTheFormSaysSoKeepsTheValuesAndTheConsoleStaysClean() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        browser.get(base.toString());
        assertNoConsoleErrors("the form");
        fillIn("Ada", email, "First message.");
        browser.findElement(By.id("form:send")).click();
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> "Sent".equals(browser.findElement(By.id("task-state")).getText()));
        assertNoConsoleErrors("the confirmation page, live status included");
        assertEquals(1, Mailbox.await(email, 1).size());

        browser.get(base.toString());
        fillIn("Ada", email, "Second message.");
        browser.findElement(By.id("form:send")).click();

        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> !browser.findElements(By.id("global-messages")).isEmpty());
        String message = browser.findElement(By.id("global-messages")).getText();
        assertTrue(message.contains("Too many messages were sent to this e-mail address"), message);
        assertEquals("Ada", browser.findElement(By.id("form:name")).getAttribute("value"));
        assertEquals(email, browser.findElement(By.id("form:email")).getAttribute("value"));
        assertEquals("Second message.", browser.findElement(By.id("form:message")).getAttribute("value"));
        saveScreenshot("limit-reached.png");
        assertNoConsoleErrors("the form with the limit message");
        assertEquals(1, Mailbox.to(email).size(), "nothing more mailed");
    }

    @Test
    void theHoneypotIsNeitherSeenNorReachedByKeyboard() {
        browser.get(base.toString());
        WebElement trap = browser.findElement(By.id("form:website"));
        assertEquals("-1", trap.getAttribute("tabindex"));
        assertEquals("off", trap.getAttribute("autocomplete"));
        assertTrue(trap.getRect().getX() + trap.getRect().getWidth() <= 0, "off-screen: " + trap.getRect());
        WebElement wrapper = trap.findElement(By.xpath(".."));
        assertEquals("true", wrapper.getAttribute("aria-hidden"));
        assertEquals("hidden", wrapper.getCssValue("overflow"));
    }

    private void fillIn(String name, String email, String message) {
        browser.findElement(By.id("form:name")).sendKeys(name);
        browser.findElement(By.id("form:email")).sendKeys(email);
        browser.findElement(By.id("form:message")).sendKeys(message);
    }

    private void assertNoConsoleErrors(String where) {
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
        assertTrue(errors.isEmpty(), where + ": " + errors);
    }

    private void saveScreenshot(String name) throws IOException {
        Path screenshots = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(screenshots.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
