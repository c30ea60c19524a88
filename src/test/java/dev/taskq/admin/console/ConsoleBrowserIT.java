package dev.taskq.admin.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.TestUsers;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.json.Json;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LogEntry;
import java.util.logging.Level;
import redis.clients.jedis.Jedis;

/**
 * The operations console in a real browser (headless Chromium through chromedriver, from the system's packages;
 * skipped where they are not installed), on a deployment with a key prefix of its own so its figures start at 0.
 */
@TaskqIT
class ConsoleBrowserIT {

    static final String PREFIX = "consoleit";
    static final String TAG = "{" + PREFIX + "}:";
    private static final String ADMIN = TestUsers.ADMIN.name();
    private static final String VISITOR = TestUsers.VISITOR.name();
    private static final String PASSWORD = TestUsers.PASSWORD;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static WebArchive deployment() {
        // A send rate far above what the tests send, so the overview shows its block (and its screenshots have it).
        return Deployments.war("console", TestServers.get().redisUrl(), "taskq.key-prefix=" + PREFIX + "\n"
                + "taskq.mail-rate=1000/s,100000/day\n");
    }

    @ArquillianResource
    URL base;

    private WebDriver browser;
    private Jedis redis;

    @BeforeEach
    void startBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Browser test skipped: it needs /usr/bin/chromium and /usr/bin/chromedriver");
        redis = new Jedis("127.0.0.1", TestServers.get().redisPort());
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,900");
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (redis != null) {
            redis.del(TAG + "paused");
            redis.close();
        }
    }

    @Test
    void anAnonymousVisitorIsSentToTheLoginPage() throws Exception {
        browser.get(base + "admin/index.xhtml");
        assertTrue(browser.getCurrentUrl().endsWith("/admin/login.xhtml"), browser.getCurrentUrl());
        assertEquals("Operations console", browser.findElement(By.tagName("h1")).getText());
        screenshots("login");
        assertEquals(401, new Http(base).get("admin/live").statusCode(), "the feed is closed too");
    }

    @Test
    void aUserWithoutTheRoleIsRefusedWith403() throws Exception {
        signIn(VISITOR, PASSWORD);
        assertTrue(browser.findElement(By.id("messages")).getText().contains("may not use the operations console"));
        assertTrue(browser.getCurrentUrl().contains("login.xhtml"));

        // The status code, which a browser does not show: the same form through a plain client.
        assertEquals(403, postLogin(VISITOR, PASSWORD).statusCode());
        assertEquals(401, postLogin(ADMIN, "wrong").statusCode());
        browser.get(base + "admin/dead.xhtml");
        assertTrue(browser.getCurrentUrl().endsWith("/admin/login.xhtml"), "still not signed in");
    }

    @Test
    void anAdminSeesTheCountsChangeWithoutReloadingWhileAPausedBatchWaitsAndThenDrains() throws Exception {
        signIn(ADMIN, PASSWORD);
        assertTrue(browser.getCurrentUrl().endsWith("/admin/index.xhtml"), browser.getCurrentUrl());
        browser.findElement(By.id("pause:pause")).click();
        await().atMost(WAIT).until(() -> !browser.findElements(By.id("pause-state")).isEmpty());
        assertTrue(browser.findElement(By.id("paused-banner")).isDisplayed());
        ((JavascriptExecutor) browser).executeScript("window.taskqSamePage = true;");
        long succeededBefore = number("succeeded");

        String domain = UUID.randomUUID() + ".example.com";
        Http http = new Http(base);
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> accepted = http.postJson("api/submissions", Json.createObjectBuilder()
                    .add("name", "N" + i).add("email", "u" + i + "@" + domain).add("message", "batch").build()
                    .toString());
            assertEquals(202, accepted.statusCode(), accepted.body());
        }
        // Paused: the submissions were accepted and wait; the page shows them without being reloaded.
        // Each submission is two tasks: its confirmation mail and the one that stores it (issue 15).
        await().atMost(WAIT).until(() -> number("queued") == 400);
        assertEquals(0, Mailbox.countToDomain(domain), "nothing ran while paused");
        screenshots("overview-paused");

        browser.findElement(By.id("pause:resume")).click();
        // The resume is a form post: mark the page only once the new one is there.
        await().atMost(WAIT).until(() -> browser.findElements(By.id("paused-banner")).stream()
                .noneMatch(banner -> banner.isDisplayed()));
        ((JavascriptExecutor) browser).executeScript("window.taskqSamePage = true;");
        List<Long> seen = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            seen.add(number("queued"));
            return number("queued") == 0 && number("succeeded") - succeededBefore == 400;
        });
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.taskqSamePage;"),
                "updated in place, not by reloading");
        await().atMost(WAIT).until(() -> Mailbox.countToDomain(domain) == 200);
        screenshots("overview-drained");
    }

    @Test
    void anAdminOpensADeadLetterRequeuesItFromThePageAndItIsMailed() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        Task task = Task.create("confirmation-mail", TestTasks.mail("Lazarus <b>", email, "again"));
        deadLetter(task, "SMTP down: <script>alert(1)</script>");
        signIn(ADMIN, PASSWORD);
        browser.get(base + "admin/dead.xhtml");
        browser.findElement(By.linkText(task.id())).click();
        await().atMost(WAIT).until(() -> !browser.findElements(By.id("opened-reason")).isEmpty());
        assertEquals("SMTP down: <script>alert(1)</script>", browser.findElement(By.id("opened-reason")).getText(),
                "the reason is shown as text");
        screenshots("dead-letter");

        browser.findElement(By.id("opened-actions:requeue")).click();
        // The answer page replaces the old one: until it is there, the old page's elements may go stale.
        await().atMost(WAIT).ignoreExceptions().until(() -> browser.findElement(By.id("messages")).getText()
                .contains("Re-queued " + task.id()));
        assertEquals(1, Mailbox.await(email, 1).size(), "the re-queued task was mailed");
        assertTrue(browser.findElements(By.linkText(task.id())).isEmpty(), "no longer listed");
    }

    @Test
    void requeueingAllWithOneReasonAsksForConfirmationFirst() throws Exception {
        String reason = "bulk " + UUID.randomUUID();
        String domain = UUID.randomUUID() + ".example.com";
        Task first = Task.create("confirmation-mail", TestTasks.mail("A", "a@" + domain, "x"));
        deadLetter(first, reason);
        deadLetter(Task.create("confirmation-mail", TestTasks.mail("B", "b@" + domain, "y")), reason);
        signIn(ADMIN, PASSWORD);
        browser.get(base + "admin/dead.xhtml?id=" + first.id());
        browser.findElement(By.id("opened-actions:requeue-reason")).click();
        assertEquals(reason, browser.findElement(By.id("reason")).getText());
        assertEquals(0, Mailbox.countToDomain(domain), "nothing happens before the confirmation");
        screenshots("confirm");

        browser.findElement(By.id("confirm:yes")).click();
        // The answer page comes after the click returns when the machine is busy: wait for it.
        await().atMost(WAIT).until(() -> !browser.findElements(By.id("done")).isEmpty());
        assertTrue(browser.findElement(By.id("done")).getText().startsWith("Re-queued 2;"),
                browser.findElement(By.id("done")).getText());
        await().atMost(WAIT).until(() -> Mailbox.countToDomain(domain) == 2);
    }

    @Test
    void aRetryingTaskCanBeRunNowFromTheTasksPage() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        Task task = Task.create("confirmation-mail", TestTasks.mail("Soon", email, "now"));
        redis.hset(TAG + "task:" + task.id(), Map.of("id", task.id(), "type", task.type(), "status", "retrying",
                "attempts", "1", "createdAt", task.createdAt().toString(),
                "error.1", Instant.now() + " SMTP said no"));
        // Due in an hour: only "retry now" runs it within the test.
        redis.zadd(TAG + "delayed", System.currentTimeMillis() + 3_600_000, TaskCodec.encode(task));
        signIn(ADMIN, PASSWORD);
        browser.get(base + "admin/tasks.xhtml?id=" + task.id());
        assertTrue(browser.findElement(By.id("record")).getText().contains("SMTP said no"));
        screenshots("tasks");

        browser.findElement(By.cssSelector("[id$='retry-now']")).click();
        await().atMost(WAIT).until(() -> browser.findElements(By.id("messages")).stream()
                .anyMatch(messages -> messages.getText().contains("queued again")));
        assertEquals(1, Mailbox.await(email, 1).size());
    }

    @Test
    void theConsumersPageListsEveryLoopAndLogoutEndsTheSession() throws Exception {
        signIn(ADMIN, PASSWORD);
        browser.get(base + "admin/consumers.xhtml");
        await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("#consumers tbody tr")).size() >= 3);
        screenshots("consumers");
        browser.get(base + "admin/index.xhtml");
        assertTrue(browser.findElement(By.id("mail-state")).getText().startsWith("Up"));
        String rate = browser.findElement(By.id("mail-rate")).getText();
        assertTrue(rate.contains("1000/s") && rate.contains("100000/day"), rate);
        screenshots("overview");
        screenshots("overview-send-rate", By.id("mail-rate"));
        browser.findElement(By.id("logout:sign-out")).click();
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().endsWith("/admin/login.xhtml"));
        browser.get(base + "admin/consumers.xhtml");
        assertTrue(browser.getCurrentUrl().endsWith("/admin/login.xhtml"), "signed out");
    }

    private void signIn(String user, String password) {
        browser.get(base + "admin/login.xhtml");
        browser.findElement(By.id("login:user")).sendKeys(user);
        browser.findElement(By.id("login:password")).sendKeys(password);
        browser.findElement(By.id("login:sign-in")).click();
        // Wait for the answer (the overview, or the login page with its message) before going anywhere else.
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().endsWith("/admin/index.xhtml")
                || !browser.findElements(By.cssSelector("#messages li")).isEmpty());
    }

    private HttpResponse<String> postLogin(String user, String password) throws Exception {
        Http http = new Http(base);
        String page = http.get("admin/login.xhtml").body();
        Matcher viewState = Pattern.compile("name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]+)\"").matcher(page);
        assertTrue(viewState.find(), page);
        return http.postForm("admin/login.xhtml", Map.of("login", "login", "login:user", user,
                "login:password", password, "login:sign-in", "Sign in", "jakarta.faces.ViewState", viewState.group(1)));
    }

    private long number(String id) {
        String text = browser.findElement(By.id(id)).getText().trim();
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    private void deadLetter(Task task, String reason) {
        redis.hset(TAG + "dead", task.id(), Json.createObjectBuilder().add("id", task.id())
                .add("entry", TaskCodec.encode(task)).add("reason", reason).add("at", Instant.now().toString())
                .build().toString());
        redis.zadd(TAG + "dead:at", System.currentTimeMillis(), task.id());
        redis.hset(TAG + "task:" + task.id(), Map.of("id", task.id(), "type", task.type(), "status", "dead",
                "attempts", "5", "createdAt", task.createdAt().toString(), "error.5", Instant.now() + " " + reason));
    }

    /**
     * The page as it is now, at desktop and at phone width; first, the browser console must hold no warning or error
     * since the last look (a CSP violation is logged there).
     */
    private void screenshots(String name) throws IOException {
        screenshots(name, null);
    }

    /** Desktop and phone width, scrolled to {@code part} when given (a screenshot shows the window only). */
    private void screenshots(String name, By part) throws IOException {
        List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertTrue(problems.isEmpty(), "browser console on " + name + ": " + problems);
        Files.createDirectories(SCREENSHOTS);
        Dimension desktop = browser.manage().window().getSize();
        scrollTo(part);
        Files.write(SCREENSHOTS.resolve("admin-" + name + "-desktop.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(390, 844));
        scrollTo(part);
        Files.write(SCREENSHOTS.resolve("admin-" + name + "-phone.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(desktop);
    }

    private void scrollTo(By part) {
        if (part != null) {
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", browser.findElement(part));
        }
    }
}
