package dev.taskq.testing;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The one deployment factory: the WAR the build produced, configured for the test servers. */
public final class Deployments {

    /** bindHttpPort in arquillian.xml. */
    private static final String HTTP_PORT = System.getProperty("taskq.test.http.port", "18080");

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

    /** As {@link #war(String, String)}, with more MicroProfile Config lines ({@code name=value\n…}). */
    public static WebArchive war(String name, String redisUrl, String moreSettings) {
        File packaged = new File("target/taskq.war");
        if (!packaged.isFile()) {
            throw new IllegalStateException("target/taskq.war is missing: run the tests with ./mvnw verify");
        }
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war")
                .merge(ShrinkWrap.createFromZipFile(WebArchive.class, packaged));
        // Lowest-priority config source: the test's settings, as an operator would give them.
        // The abuse limits are off unless a test sets them: most tests send many mails from one client.
        war.addAsResource(new StringAsset("redis.url=" + redisUrl + "\ntaskq.consumers=3\n" + LIMITS_OFF
                        + moreSettings),
                "META-INF/microprofile-config.properties");
        return war;
    }

    /** Where a deployment named {@code name} answers, for tests that deploy it themselves. */
    public static URL url(String name) {
        try {
            return URI.create("http://localhost:" + HTTP_PORT + "/" + name + "/").toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
