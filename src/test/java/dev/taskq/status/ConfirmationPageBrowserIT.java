package dev.taskq.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.queue.TaskState;
import dev.taskq.testing.AlwaysFailingHandler;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The form and the confirmation page in a real browser: headless Chromium driven through chromedriver, both from
 * the system's packages. Skipped (not failed) where they are not installed.
 */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class ConfirmationPageBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @Deployment(testable = false)
    static WebArchive deployment() {
        // A failing task dies quickly here, so the page's failure text can be seen.
        return Deployments.war("browser", TestServers.get().redisUrl(),
                        "taskq.max-attempts=2\ntaskq.retry.base-delay-ms=200\n")
                .addClass(AlwaysFailingHandler.class);
    }

    @ArquillianResource
    URL base;

    private WebDriver browser;

    @BeforeEach
    void startBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Browser test skipped: it needs /usr/bin/chromium and /usr/bin/chromedriver;"
                        + " install them with: apt-get install chromium chromium-driver");
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile-");
        // Both paths are given, so Selenium Manager has nothing to look up or download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile.toAbsolutePath(),
                        // About a phone's width (headless Chromium makes windows at least 500 px wide).
                        "--window-size=390,844");
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aSentFormShowsTheMailSentAndTheMailArrives() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        browser.get(base.toString());

        browser.findElement(By.id("form:name")).sendKeys("Margaret <Hamilton>");
        browser.findElement(By.id("form:email")).sendKeys(email);
        browser.findElement(By.id("form:message")).sendKeys("Priority displays work.");
        browser.findElement(By.id("form:send")).click();

        await(() -> browser.getCurrentUrl().contains("submitted.xhtml"), "the confirmation page");
        await(() -> "Sent".equals(stateText()), "the state reaches 'Sent'");
        List<MimeMessage> mails = Mailbox.await(email, 1);
        assertEquals(1, mails.size());
        assertTrue(Mailbox.text(mails.get(0)).contains("Hello Margaret <Hamilton>,"), Mailbox.text(mails.get(0)));
        saveScreenshot("confirmation.png");
    }

    @Test
    void theConfirmationPageFollowsTheTaskWithoutBeingReloaded() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        try (RedisProbe redis = new RedisProbe()) {
            // The task's record exists, but the task is not on the queue yet: the page opens on "waiting".
            Task task = Task.create("confirmation-mail", TestTasks.mail("Katherine", email, "Orbit figures"));
            redis.jedis().hset(RedisProbe.PREFIX + "task:" + task.id(), Map.of("id", task.id(),
                    "type", task.type(), "status", "queued", "attempts", "0",
                    "createdAt", task.createdAt().toString()));
            browser.get(base + "submitted.xhtml?id=" + task.id());
            assertEquals(TaskStatusView.describe(TaskState.QUEUED, java.util.Locale.ENGLISH), stateText());
            ((JavascriptExecutor) browser).executeScript("window.taskqSamePage = true;");
            TaskEventsIT.awaitSubscribed(redis);

            redis.jedis().lpush(RedisProbe.PREFIX + "ready", TaskCodec.encode(task));

            await(() -> "Sent".equals(stateText()), "the state reaches 'Sent'");
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.taskqSamePage;"),
                    "updated in place, not by reloading");
            assertEquals("state state-succeeded", browser.findElement(By.id("task-state")).getAttribute("class"));
            assertEquals(1, Mailbox.await(email, 1).size());
        }
    }

    @Test
    void aTaskThatCannotBeDoneIsExplainedInPlainWords() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            Task task = TestTasks.push(redis.jedis(), RedisProbe.PREFIX + "ready", AlwaysFailingHandler.TYPE,
                    Map.of());
            browser.get(base + "submitted.xhtml?id=" + task.id());

            String failed = TaskStatusView.describe(TaskState.DEAD, java.util.Locale.ENGLISH);
            await(() -> failed.equals(stateText()), "the failure is shown");
            assertEquals("state state-dead", browser.findElement(By.id("task-state")).getAttribute("class"));
        }
    }

    @Test
    void anInvalidFormShowsAMessageNextToEachWrongField() {
        browser.get(base.toString());

        browser.findElement(By.id("form:email")).sendKeys("not-an-address");
        browser.findElement(By.id("form:message")).sendKeys("<b>kept as text</b>");
        browser.findElement(By.id("form:send")).click();

        await(() -> !browser.findElements(By.id("form:name-error")).isEmpty(), "the field messages");
        assertEquals("Please enter your name.", browser.findElement(By.id("form:name-error")).getText());
        assertTrue(browser.findElement(By.id("form:email-error")).getText().startsWith("Please enter a valid e-mail"));
        assertEquals("<b>kept as text</b>", browser.findElement(By.id("form:message")).getAttribute("value"));
        assertTrue(browser.findElements(By.tagName("b")).isEmpty(), "the input was not rendered as markup");
        WebElement label = browser.findElement(By.cssSelector("label[for='form:name']"));
        assertEquals("Name", label.getText());
        assertFalse(browser.getCurrentUrl().contains("submitted.xhtml"), "still on the form");
    }

    private String stateText() {
        return browser.findElement(By.id("task-state")).getText();
    }

    private static void await(Callable<Boolean> condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(condition);
    }

    private void saveScreenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
