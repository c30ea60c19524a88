package dev.taskq.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Makes sure the {@link TestServers} run before Arquillian boots the application server. */
public class TestServersExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        TestServers.get();
    }
}
