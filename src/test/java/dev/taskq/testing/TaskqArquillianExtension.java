package dev.taskq.testing;

import org.jboss.arquillian.core.spi.LoadableExtension;

/** The test harness' hooks into Arquillian (registered in META-INF/services). */
public class TaskqArquillianExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(ServerSetup.class).observer(DeploymentUrls.class);
    }
}
