package dev.taskq.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console's Submissions page in a real browser (the system's headless Chromium; skipped without it): list,
 * search, one opened, export, delete, and erasure after a confirmation. Screenshots at desktop and phone width.
 */
@TaskqIT
class SubmissionsPageBrowserIT {

    private static final String ADMIN = SubmissionStorageIT.ADMIN;
    private static final String PASSWORD = SubmissionStorageIT.PASSWORD;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("taskq", TestServers.get().redisUrl(), "");
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
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,900");
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorListsSearchesOpensExportsDeletesAndErases() throws Exception {
        String marker = Submissions.marker();
        Http http = new Http(base);
        Submissions.Sent ann = Submissions.submit(http, "Ann <b>Zoë</b>", "ann-" + marker + "@example.com",
                "Hello,\nthis is Ann " + marker);
        Submissions.Sent bob = Submissions.submit(http, "Bob", "bob-" + marker + "@example.com", "Bob here " + marker);
        Submissions.Sent eve = Submissions.submit(http, "Eve", "eve-" + marker + "@example.com", "Eve here " + marker);
        Submissions.awaitRows(new AdminApi(base, ADMIN, PASSWORD), marker, 3, Duration.ofSeconds(60));

        signIn();
        browser.get(base + "admin/submissions.xhtml");
        browser.findElement(By.id("q")).sendKeys(marker);
        browser.findElement(By.cssSelector("#search button")).click();
        // The search is a new page: wait for it instead of reading the list it replaces.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElements(By.cssSelector("#rows tbody tr")).size() == 3);
        List<WebElement> rows = browser.findElements(By.cssSelector("#rows tbody tr"));
        assertEquals(3, rows.size());
        // Newest first; the name is text, never markup.
        assertTrue(rows.get(2).getText().contains("Ann <b>Zoë</b>"), rows.get(2).getText());
        screenshots("submissions");

        rows.get(2).findElement(By.cssSelector("a.open")).click();
        assertEquals("Ann <b>Zoë</b>", browser.findElement(By.id("opened-name")).getText());
        assertEquals(ann.email(), browser.findElement(By.id("opened-email")).getText());
        assertTrue(browser.findElement(By.id("opened-message")).getText().contains("this is Ann " + marker));
        screenshots("submission");

        // The export link gives the CSV of this search, to the signed-in operator only.
        String export = browser.findElement(By.id("export")).getAttribute("href");
        assertTrue(export.contains("/admin/submissions.csv?q=" + marker), export);
        String csv = downloadWithSession(export);
        assertTrue(csv.startsWith("\uFEFF\"id\""), csv);
        for (Submissions.Sent one : List.of(ann, bob, eve)) {
            assertTrue(csv.contains(one.id()), one.id());
        }

        browser.findElement(By.id("opened-actions:delete")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getPageSource().contains("was deleted"));
        assertEquals(404, new AdminApi(base, ADMIN, PASSWORD).get("api/admin/submissions/" + ann.id()).statusCode());

        browser.findElement(By.id("erase-form:erase-email")).sendKeys(eve.email());
        browser.findElement(By.id("erase-form:ask")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.id("erase-confirm")).isEmpty());
        assertTrue(browser.findElement(By.id("erase-confirm")).getText().startsWith("1 kept submissions hold"),
                browser.findElement(By.id("erase-confirm")).getText());
        screenshots("erase-confirm");
        browser.findElement(By.id("erase-form:confirm")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getPageSource().contains("Erased: 1 submissions"));
        screenshots("erased");
        List<String> left = new AdminApi(base, ADMIN, PASSWORD).all(marker, 50).stream()
                .map(item -> item.getString("id")).toList();
        assertEquals(List.of(bob.id()), left);
    }

    private void signIn() {
        browser.get(base + "admin/login.xhtml");
        browser.findElement(By.id("login:user")).sendKeys(ADMIN);
        browser.findElement(By.id("login:password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login:sign-in")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.getCurrentUrl().contains("login.xhtml"));
    }

    private String downloadWithSession(String url) throws Exception {
        StringBuilder cookies = new StringBuilder();
        for (Cookie cookie : browser.manage().getCookies()) {
            cookies.append(cookies.length() == 0 ? "" : "; ").append(cookie.getName()).append('=')
                    .append(cookie.getValue());
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Cookie", cookies.toString()).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode());
        assertEquals(302, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "without the session: to the login page");
        return response.body();
    }

    private void screenshots(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Dimension desktop = browser.manage().window().getSize();
        Files.write(SCREENSHOTS.resolve("admin-" + name + "-desktop.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(390, 844));
        Files.write(SCREENSHOTS.resolve("admin-" + name + "-phone.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(desktop);
    }
}
