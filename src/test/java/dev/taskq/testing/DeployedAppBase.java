package dev.taskq.testing;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Base of the integration tests that run against the packaged WAR with the default test settings. */
@TaskqIT
public abstract class DeployedAppBase {

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return Deployments.war();
    }

    /** A fresh client (own cookies) for the deployed application. */
    protected Http http() {
        return new Http(base);
    }
}
