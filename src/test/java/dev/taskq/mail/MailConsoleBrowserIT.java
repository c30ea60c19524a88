package dev.taskq.mail;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskq.testing.Http;
import dev.taskq.testing.ServerKind;
import dev.taskq.testing.TestCa;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestServersExtension;
import jakarta.json.Json;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * README's admin-console steps for the mail session, followed in Chromium on the profile's real server, with TLS:
 * the session made in the console points at a {@link ScriptedSmtpServer} that speaks STARTTLS with a certificate of
 * the test CA ({@link TestCa}), which the server trusts the way README tells operators; then the WAR is deployed
 * and a submission's mail must arrive under TLS after AUTH. Screenshots of every step: target/screenshots/console-*.
 *
 * <p>Not part of CI (tag {@code console}, left out by every profile): it changes the unpacked server under target/
 * (a trusted CA, a user) and takes the fixed ports. Run:
 * {@code ./mvnw verify -Ppayara-server -Dit.test=MailConsoleBrowserIT -Dtaskq.it.excludedGroups=none}, and the same
 * with {@code -Pwildfly}.
 */
@Tag("console")
@ExtendWith(TestServersExtension.class)
class MailConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String SMTP_USER = "taskq-smtp";
    private static final String CA_ALIAS = "taskq-test-ca";
    /** README's example management user for WildFly's console. */
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "a-long-passphrase";

    private WebDriver browser;
    private int shots;

    @Test
    void payaraServerConsoleMakesASessionThatSendsOverStartTlsWithAuthentication() throws Exception {
        assumeTrue(ServerKind.current() == ServerKind.PAYARA_SERVER, "run with -Ppayara-server");
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "needs chromium, chromedriver");
        Path home = ServerKind.PAYARA_SERVER.home();
        // Trust, as README says for Payara Server: the CA into the domain's own trust store (domain.xml points
        // javax.net.ssl.trustStore at it), then (re)start the domain.
        Path cacerts = home.resolve("glassfish/domains/domain1/config/cacerts.p12");
        run(List.of(keytool(), "-delete", "-alias", CA_ALIAS, "-keystore", cacerts.toString(), "-storepass",
                "changeit"), true);
        run(List.of(keytool(), "-importcert", "-noprompt", "-alias", CA_ALIAS, "-file",
                TestCa.get().trustStore().resolveSibling("ca.pem").toString(), "-keystore", cacerts.toString(),
                "-storepass", "changeit"), false);
        String asadmin = home.resolve("bin/asadmin").toString();
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer().startTls(TestCa.get().serverFor("localhost")).start()) {
            run(List.of(asadmin, "start-domain", "domain1"), false);
            try {
                browser = chromium();
                browser.get("http://localhost:4848/");
                click(By.linkText("JavaMail Sessions"));
                WebElement newButton = visible(By.xpath("//input[@type='submit' and contains(@value,'New')]"));
                shot("payara-sessions");
                newButton.click();
                type("form:propertySheet:propertSectionTextField:nameNew:name", "mail/taskq");
                type("form:propertySheet:propertSectionTextField:hostProp:host", "localhost");
                type("form:propertySheet:propertSectionTextField:userProp:user", SMTP_USER);
                type("form:propertySheet:propertSectionTextField:passwordProp:password", "secret-console");
                browser.findElement(By.xpath("//*[@id='form:propertySheet:propertSectionTextField:authProp']"
                        + "//input[@type='checkbox']")).click();
                type("form:propertySheet:propertSectionTextField:fromProp:from", TestServers.MAIL_FROM);
                shot("payara-new-session");
                List<String[]> properties = List.of(new String[] {"mail.smtp.port", String.valueOf(smtp.port())},
                        new String[] {"mail.smtp.starttls.enable", "true"},
                        new String[] {"mail.smtp.starttls.required", "true"},
                        new String[] {"mail.smtp.ssl.checkserveridentity", "true"});
                for (String[] property : properties) {
                    addProperty(property[0], property[1]);
                }
                shot("payara-new-session-properties");
                browser.findElement(By.id("form:propertyContentPage:topButtons:newButton")).click();
                visible(By.linkText("mail/taskq"));
                shot("payara-sessions-after");

                run(List.of(asadmin, "deploy", "--contextroot", "/", "--name", "taskq-console",
                        new File("target/taskq.war").getAbsolutePath()), false);
                assertDelivered(smtp, URI.create("http://localhost:8080/"), "Payara Server");
            } finally {
                if (browser != null) {
                    browser.quit();
                }
                run(List.of(asadmin, "undeploy", "taskq-console"), true);
                run(List.of(asadmin, "delete-javamail-resource", "mail/taskq"), true);
                run(List.of(asadmin, "stop-domain", "domain1"), true);
                run(List.of(keytool(), "-delete", "-alias", CA_ALIAS, "-keystore", cacerts.toString(), "-storepass",
                        "changeit"), true);
            }
        }
    }

    @Test
    void wildFlyConsoleMakesASessionThatSendsOverStartTlsWithAuthentication() throws Exception {
        assumeTrue(ServerKind.current() == ServerKind.WILDFLY, "run with -Pwildfly");
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "needs chromium, chromedriver");
        Path home = ServerKind.WILDFLY.home();
        String cli = home.resolve("bin/jboss-cli.sh").toString();
        // README: a management user for the console first.
        run(List.of(home.resolve("bin/add-user.sh").toString(), "-m", "-u", ADMIN, "-p", ADMIN_PASSWORD), false);
        // Trust, as README says for WildFly: the trust store in JAVA_OPTS of bin/standalone.conf.
        Path conf = home.resolve("bin/standalone.conf");
        String original = Files.readString(conf);
        Files.writeString(conf, original + "\nJAVA_OPTS=\"$JAVA_OPTS -Djavax.net.ssl.trustStore="
                + TestCa.get().trustStore() + " -Djavax.net.ssl.trustStorePassword=" + TestCa.PASSWORD + "\"\n");
        Path log = Path.of("target", "console-wildfly.log").toAbsolutePath();
        Path deployed = home.resolve("standalone/deployments/taskq.war");
        Process wildfly = null;
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer().startTls(TestCa.get().serverFor("localhost")).start()) {
            wildfly = new ProcessBuilder(home.resolve("bin/standalone.sh").toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            await().atMost(Duration.ofMinutes(3)).until(() -> started(log) >= 1);
            browser = chromium();
            // The console asks for the management user (HTTP Digest): given once, for /management.
            browser.get("http://" + ADMIN + ":" + ADMIN_PASSWORD + "@localhost:9990/management");
            browser.get("http://localhost:9990/console/index.html");
            String modal = "//div[contains(@class,'modal') and contains(@style,'block')]";

            // 1. Configuration → Socket Bindings → standard-sockets, View, Outbound Remote → Add.
            click(By.id("tlc-configuration"));
            click(By.id("socket-bindings"));
            click(By.id("standard-sockets"));
            click(By.xpath("//li[@id='standard-sockets']//a[text()='View']"));
            click(By.id("socket-binding-group-outbound-remote-item"));
            click(By.xpath("//*[contains(@id,'outbound-remote')]//button[normalize-space()='Add']"));
            type("socket-binding-group-outbound-remote-add-name-editing", "taskq-smtp");
            type("socket-binding-group-outbound-remote-add-host-editing", "localhost");
            type("socket-binding-group-outbound-remote-add-port-editing", String.valueOf(smtp.port()));
            shot("wildfly-outbound-remote-add");
            click(By.xpath(modal + "//button[text()='Add']"));
            visible(By.xpath("//td[text()='taskq-smtp']"));
            shot("wildfly-outbound-remote");

            // 2. Configuration → Subsystems → Mail → Add (the + of the Mail Session column).
            click(By.xpath("//a[contains(.,'Back')]"));
            click(By.id("tlc-configuration"));
            click(By.id("subsystems"));
            click(By.id("mail"));
            click(By.id("mail-session-add"));
            type("mail-session-form-name-editing", "taskq");
            type("mail-session-form-jndi-name-editing", "java:/mail/taskq");
            type("mail-session-form-from-editing", TestServers.MAIL_FROM);
            shot("wildfly-mail-session-add");
            click(By.xpath(modal + "//button[text()='Add']"));

            // 3. The session's View, then Server → Add: Type SMTP (not the default IMAP), the binding, the
            // credentials, TLS on for STARTTLS.
            click(By.xpath("//li[@id='ms-taskq']//a[text()='View']"));
            click(By.id("mail-server-item"));
            click(By.xpath("//*[contains(@id,'mail-server')]//button[normalize-space()='Add']"));
            shot("wildfly-server-add-default");
            click(By.xpath(modal + "//button[@data-id='mail-server-add-form-server-type-editing']"));
            click(By.xpath(modal + "//li//span[normalize-space()='SMTP']"));
            type("mail-server-add-form-outbound-socket-binding-ref-editing", "taskq-smtp");
            type("mail-server-add-form-username-editing", SMTP_USER);
            type("mail-server-add-form-password-editing", "secret-console");
            click(By.xpath("//div[@data-form-item-group='mail-server-add-form-tls-editing']"
                    + "//div[contains(@class,'bootstrap-switch-wrapper')]"));
            shot("wildfly-server-add");
            click(By.xpath(modal + "//button[text()='Add']"));

            // 4. Reload when the console asks for it.
            click(By.xpath("//div[contains(@class,'toast')]//a[text()='Reload']"));
            shot("wildfly-reload");
            List<WebElement> confirm = await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(
                    By.xpath(modal + "//button[normalize-space()='Yes' or normalize-space()='Reload']")),
                    found -> !found.isEmpty());
            confirm.get(0).click();
            await().atMost(Duration.ofMinutes(2)).until(() -> started(log) >= 2);
            shot("wildfly-reloaded");

            Files.copy(Path.of("target", "taskq.war"), deployed);
            Path marker = deployed.resolveSibling("taskq.war.deployed");
            await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(marker)
                    || Files.exists(deployed.resolveSibling("taskq.war.failed")));
            assertTrue(Files.exists(marker), "deployed: " + Files.readString(log));
            assertDelivered(smtp, URI.create("http://localhost:8080/taskq/"), "WildFly");
        } finally {
            if (browser != null) {
                browser.quit();
            }
            if (wildfly != null) {
                Files.deleteIfExists(deployed);
                await().atMost(Duration.ofMinutes(1)).until(() -> !Files.exists(
                        deployed.resolveSibling("taskq.war.deployed")));
                run(List.of(cli, "-c", "--file=" + Path.of("server-config/wildfly/remove-mail-session.cli")
                        .toAbsolutePath()), true);
                run(List.of(cli, "-c", "--command=:shutdown"), true);
                wildfly.waitFor(1, TimeUnit.MINUTES);
                wildfly.destroyForcibly();
            }
            Files.writeString(conf, original);
        }
    }

    /** How often the WildFly log says the server started (a reload starts it again). */
    private static long started(Path log) throws IOException {
        return Files.readString(log).lines().filter(line -> line.contains("WFLYSRV0025")).count();
    }

    /** A submission to the application at {@code base}: its mail arrives at the scripted server under TLS, after AUTH. */
    private static void assertDelivered(ScriptedSmtpServer smtp, URI base, String server) throws Exception {
        String to = UUID.randomUUID() + "@example.com";
        HttpResponse<String> answer = new Http(base.toURL()).postJson("api/submissions", Json.createObjectBuilder()
                .add("name", "Ann").add("email", to).add("message", "Hello").build().toString());
        assertEquals(202, answer.statusCode(), answer.body());
        await().atMost(Duration.ofSeconds(60)).until(() -> !smtp.received().isEmpty());
        ScriptedSmtpServer.Received mail = smtp.received().get(0);
        List<String> commands = smtp.commands();
        System.out.println("MailConsoleBrowserIT (" + server + "): " + smtp.received().size() + " mail(s), tls="
                + mail.tls() + ", user=" + mail.user() + ", commands " + commands);
        assertAll(
                () -> assertEquals(to, mail.recipient()),
                () -> assertTrue(mail.tls(), "under TLS"),
                () -> assertEquals(SMTP_USER, mail.user(), "authenticated with the console's user"),
                () -> assertTrue(commands.indexOf("STARTTLS") >= 0
                        && commands.indexOf("STARTTLS") < firstAuth(commands), commands.toString()));
    }

    /** Add Property: a new empty row appears at the top of the table; its Name and Value get these. */
    private void addProperty(String name, String value) {
        int before = propertyRows().size();
        browser.findElement(By.id("form:basicTable:topActionsGroup1:addSharedTableButton")).click();
        List<WebElement> rows = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(this::propertyRows, found -> found.size() == before + 1);
        WebElement empty = rows.stream()
                .filter(row -> row.findElements(By.xpath(".//input[@type='text']")).get(0).getAttribute("value")
                        .isEmpty())
                .findFirst().orElseThrow();
        List<WebElement> fields = empty.findElements(By.xpath(".//input[@type='text']"));
        fields.get(0).sendKeys(name);
        fields.get(1).sendKeys(value);
    }

    private List<WebElement> propertyRows() {
        return browser.findElements(By.xpath("//table[contains(@id,'basicTable')]//tr[.//input[@type='text']]"));
    }

    private void type(String id, String text) {
        WebElement field = visible(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    /** Clicks once the element is there and nothing covers it (HAL's notifications cover buttons for a while). */
    private void click(By by) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    WebElement element = browser.findElement(by);
                    if (!element.isDisplayed()) {
                        return false;
                    }
                    element.click();
                    return true;
                });
    }

    /** Waits for the element (the console builds its pages slowly at first), bounded. */
    private WebElement visible(By by) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    WebElement element = browser.findElement(by);
                    return element.isDisplayed() ? element : null;
                }, Objects::nonNull);
    }

    private void shot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(String.format("console-%02d-%s.png", ++shots, name)),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static WebDriver chromium() throws IOException {
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,1000");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en"));
        return new ChromeDriver(service, options);
    }

    private static int firstAuth(List<String> commands) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).startsWith("AUTH")) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    /** Runs a command in this JVM's environment (REDIS_URL for the domain); fails on a non-zero exit unless allowed. */
    private static void run(List<String> command, boolean mayFail) throws Exception {
        Path log = Files.createTempFile(Files.createDirectories(Path.of("target")), "console-", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not end");
            }
            String output = Files.readString(log);
            System.out.println(String.join(" ", command) + "\n" + output);
            if (!mayFail && process.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + process.exitValue() + ": " + output);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
