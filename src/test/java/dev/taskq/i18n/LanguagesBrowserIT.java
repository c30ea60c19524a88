package dev.taskq.i18n;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.TaskqIT;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The visitor's language, end to end in a real browser (headless Chromium, its Accept-Language set as a visitor's
 * browser would): the form, the confirmation page and the mail speak it. Screenshots of each language at a desktop
 * and a phone width go to target/screenshots/. Skipped (not failed) where Chromium is not installed.
 */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class LanguagesBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    @ArquillianResource
    URL base;

    @Test
    void englishOnADesktop() throws Exception {
        formPageAndMailSpeak("en", 1280, 900);
    }

    @Test
    void englishOnAPhone() throws Exception {
        formPageAndMailSpeak("en", 390, 844);
    }

    @Test
    void simplifiedChineseOnADesktop() throws Exception {
        formPageAndMailSpeak("zh-CN", 1280, 900);
    }

    @Test
    void simplifiedChineseOnAPhone() throws Exception {
        formPageAndMailSpeak("zh-CN", 390, 844);
    }

    private void formPageAndMailSpeak(String language, int width, int height) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Browser test skipped: it needs /usr/bin/chromium and /usr/bin/chromedriver");
        Locale locale = Languages.of(language);
        ResourceBundle words = Languages.messages(locale);
        String email = UUID.randomUUID() + "@example.com";
        String shot = language + "-" + (width < 600 ? "phone" : "desktop");
        WebDriver browser = start(language, width, height);
        try {
            browser.get(base.toString());
            assertEquals(words.getString("form.title"), browser.findElement(By.tagName("h1")).getText());
            assertEquals(locale.toLanguageTag(), browser.findElement(By.tagName("html")).getAttribute("lang"));
            browser.findElement(By.id("form:send")).click(); // empty: the field messages are in the language too
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !browser.findElements(By.id("form:name-error")).isEmpty());
            assertEquals(ResourceBundle.getBundle("ValidationMessages", locale).getString("taskq.name.required"),
                    browser.findElement(By.id("form:name-error")).getText());
            screenshot(browser, "form-" + shot + ".png");

            browser.findElement(By.id("form:name")).sendKeys("王芳 Wang");
            browser.findElement(By.id("form:email")).sendKeys(email);
            browser.findElement(By.id("form:message")).sendKeys("<script>alert(1)</script>");
            browser.findElement(By.id("form:send")).click();
            await().atMost(Duration.ofSeconds(30)).until(() -> words.getString("state.succeeded")
                    .equals(browser.findElement(By.id("task-state")).getText()));
            assertEquals(words.getString("submitted.heading"), browser.findElement(By.tagName("h1")).getText());
            screenshot(browser, "confirmation-" + shot + ".png");
        } finally {
            browser.quit();
        }

        List<MimeMessage> mails = Mailbox.await(email, 1);
        assertEquals(1, mails.size());
        MimeMessage mail = mails.get(0);
        String html = Mailbox.html(mail);
        assertAll(
                () -> assertEquals(words.getString("mail.subject"), mail.getSubject()),
                () -> assertEquals(locale.toLanguageTag(), mail.getHeader("Content-Language")[0]),
                () -> assertTrue(Mailbox.text(mail).contains(words.getString("mail.thanks")), Mailbox.text(mail)),
                () -> assertTrue(Mailbox.text(mail).contains("> <script>alert(1)</script>"), Mailbox.text(mail)),
                () -> assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html),
                () -> assertEquals(-1, html.indexOf("<script>"), html));
    }

    private static WebDriver start(String language, int width, int height) throws IOException {
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile.toAbsolutePath(), "--lang=" + language,
                        "--window-size=" + width + "," + height);
        // What the browser sends as Accept-Language.
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
