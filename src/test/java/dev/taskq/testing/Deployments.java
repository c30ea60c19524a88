package dev.taskq.testing;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The one deployment factory: the WAR the build produced, configured for the test servers. */
public final class Deployments {

    /** Where a deployment that a test deploys itself answers (port from arquillian.xml, context from the WAR). */
    public static final java.net.URL MANUAL_DEPLOYMENT_URL = url("http://localhost:18080/taskq/");

    private Deployments() {
    }

    private static java.net.URL url(String url) {
        try {
            return java.net.URI.create(url).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The packaged WAR, talking to the shared test Redis. */
    public static WebArchive war() {
        return war(TestServers.get().redisUrl());
    }

    /** The packaged WAR, talking to the Redis at {@code redisUrl}. */
    public static WebArchive war(String redisUrl) {
        File packaged = new File("target/taskq.war");
        if (!packaged.isFile()) {
            throw new IllegalStateException("target/taskq.war is missing: run the tests with ./mvnw verify");
        }
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, packaged);
        // Lowest-priority config source: the test's settings, as an operator would give them.
        war.addAsResource(new StringAsset("redis.url=" + redisUrl + "\ntaskq.consumers=3\n"),
                "META-INF/microprofile-config.properties");
        return war;
    }
}
