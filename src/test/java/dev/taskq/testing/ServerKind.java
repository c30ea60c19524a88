package dev.taskq.testing;

import java.nio.file.Path;

/** The application server the integration tests run on: chosen by the Maven profile (system property {@code taskq.test.server}). */
public enum ServerKind {
    PAYARA_EMBEDDED("payara-embedded"),
    PAYARA_SERVER("payara-server"),
    PAYARA_MICRO("payara-micro"),
    WILDFLY("wildfly");

    private final String qualifier;

    ServerKind(String qualifier) {
        this.qualifier = qualifier;
    }

    /** The server of this run; embedded Payara when no profile said otherwise (e.g. a test started from an IDE). */
    public static ServerKind current() {
        String configured = System.getProperty("taskq.test.server", PAYARA_EMBEDDED.qualifier);
        for (ServerKind kind : values()) {
            if (kind.qualifier.equals(configured)) {
                return kind;
            }
        }
        throw new IllegalStateException("unknown taskq.test.server: " + configured);
    }

    /** The container qualifier in arquillian.xml. */
    public String qualifier() {
        return qualifier;
    }

    /** Where the profile unpacked the server (system property {@code taskq.test.home}); not for embedded Payara. */
    public Path home() {
        String home = System.getProperty("taskq.test.home");
        if (home == null) {
            throw new IllegalStateException("taskq.test.home is not set: run the " + qualifier + " profile");
        }
        return Path.of(home);
    }
}
