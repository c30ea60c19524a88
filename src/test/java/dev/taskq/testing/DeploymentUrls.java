package dev.taskq.testing;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.arquillian.container.spi.event.container.AfterDeploy;
import org.jboss.arquillian.container.spi.event.container.AfterUnDeploy;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;

/**
 * Where each deployment answers, as the container adapter reported it after deploying: for tests that deploy with
 * Arquillian's {@code Deployer} inside a test method, where {@code @ArquillianResource URL} cannot be injected.
 */
public class DeploymentUrls {

    private static final Map<String, URL> URLS = new ConcurrentHashMap<>();

    @Inject
    private Instance<ProtocolMetaData> protocolMetaData;

    public void deployed(@Observes AfterDeploy event) {
        HTTPContext http = protocolMetaData.get().getContexts(HTTPContext.class).iterator().next();
        String archive = event.getDeployment().getArchive().getName().replaceFirst("\\.war$", "");
        URI base = http.getServlets().stream().findFirst().map(Servlet::getBaseURI)
                .orElse(URI.create("http://" + http.getHost() + ":" + http.getPort() + "/" + archive + "/"));
        URL url = toUrl(base.toString().endsWith("/") ? base : URI.create(base + "/"));
        URLS.put(event.getDeployment().getName(), url);
        URLS.put(archive, url);
    }

    public void undeployed(@Observes AfterUnDeploy event) {
        URLS.remove(event.getDeployment().getName());
        URLS.remove(event.getDeployment().getArchive().getName().replaceFirst("\\.war$", ""));
    }

    /** The URL of a deployment, by its {@code @Deployment} name or its archive's name without ".war". */
    static URL of(String name) {
        URL url = URLS.get(name);
        if (url == null) {
            throw new IllegalStateException("no deployment named " + name + " is deployed");
        }
        return url;
    }

    private static URL toUrl(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
