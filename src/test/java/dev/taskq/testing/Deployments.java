package dev.taskq.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.net.URL;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.ArchivePaths;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The one deployment factory: the WAR the build produced, configured for the test servers. */
public final class Deployments {

    /** The default test deployment's limits: none (a later line of moreSettings wins over these). */
    static final String LIMITS_OFF = "taskq.limit.recipient-per-hour=0\ntaskq.limit.recipient-per-day=0\n"
            + "taskq.limit.client-per-hour=0\ntaskq.backlog.max=0\n";

    private Deployments() {
    }

    /** The packaged WAR as {@code taskq.war}, talking to the shared test Redis. */
    public static WebArchive war() {
        return war("taskq", TestServers.get().redisUrl());
    }

    /**
     * The packaged WAR under another name (and so another context root), talking to the Redis at {@code redisUrl}.
     */
    public static WebArchive war(String name, String redisUrl) {
        return war(name, redisUrl, "");
    }

    /**
     * As {@link #war(String, String)}, with more MicroProfile Config lines ({@code name=value\n…}), the test's own
     * settings, as an operator would give them. The shared test Redis comes from the server's environment
     * ({@code REDIS_URL}), as in production; a test that points the WAR at a Redis of its own outranks it.
     */
    public static WebArchive war(String name, String redisUrl, String moreSettings) {
        File packaged = new File("target/taskq.war");
        if (!packaged.isFile()) {
            throw new IllegalStateException("target/taskq.war is missing: run the tests with ./mvnw verify");
        }
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war")
                .merge(ShrinkWrap.createFromZipFile(WebArchive.class, packaged));
        // The abuse limits are off unless a test sets them: most tests send many mails from one client.
        String settings = "taskq.consumers=3\n" + LIMITS_OFF + moreSettings;
        boolean fromEnvironment = redisUrl.equals(System.getenv("REDIS_URL"));
        if (!fromEnvironment) {
            // Above environment variables (300), so that this Redis wins over the server's REDIS_URL.
            settings = "config_ordinal=400\nredis.url=" + redisUrl + "\n" + settings;
        }
        war.addAsResource(new StringAsset(settings), "META-INF/microprofile-config.properties");
        return ServerKind.current() == ServerKind.PAYARA_EMBEDDED ? childFirst(war) : war;
    }

    /**
     * The WAR for embedded Payara, which shares the JVM's class path (the test classes, target/classes and every
     * test dependency): its glassfish-web.xml gets {@code <class-loader delegate="false"/>}, so that the WAR's own
     * classes and libraries are loaded before any copy on that class path. A concern of the harness only: the
     * production WAR delegates, as Payara does by default. Used by the tests, the dev server and the benchmark.
     */
    public static WebArchive childFirst(WebArchive war) {
        ArchivePath descriptor = ArchivePaths.create("WEB-INF/glassfish-web.xml");
        String xml;
        try (InputStream in = war.get(descriptor).getAsset().openStream()) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        war.delete(descriptor);
        war.add(new StringAsset(xml.replace("</glassfish-web-app>",
                "    <class-loader delegate=\"false\"/>\n</glassfish-web-app>")), descriptor);
        return war;
    }

    /**
     * Where a deployment named {@code name} answers, for tests that deploy it themselves (Arquillian's
     * {@code Deployer}): the URL the container adapter reported for it.
     */
    public static URL url(String name) {
        return DeploymentUrls.of(name);
    }
}
