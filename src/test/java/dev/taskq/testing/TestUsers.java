package dev.taskq.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The users every test server gets before the tests run, as an operator creates them: in Payara's file realm
 * ({@code asadmin create-file-user}), as WildFly application users ({@code add-user.sh -a}).
 */
public final class TestUsers {

    /** A user, the realm group it is in, and its password. */
    public record User(String name, String group, String password) {
    }

    public static final String PASSWORD = "s3cret-pass";
    /** In the group taskq-admin: may use /api/admin. */
    public static final User ADMIN = new User("ops", "taskq-admin", PASSWORD);
    /** In another group: authenticated, but not an admin. */
    public static final User VISITOR = new User("visitor", "visitors", PASSWORD);
    /** In the group taskq-metrics: may read /api/metrics when taskq.metrics.access=taskq-metrics. */
    public static final User METRICS = new User("metrics-scraper", "taskq-metrics", PASSWORD);
    public static final List<User> ALL = List.of(ADMIN, VISITOR, METRICS);

    private TestUsers() {
    }

    /** asadmin takes passwords only from a file: target/test-user-NAME.password. */
    static Path passwordFile(User user) {
        try {
            Path file = Path.of("target", "test-user-" + user.name() + ".password").toAbsolutePath();
            return Files.writeString(file, "AS_ADMIN_USERPASSWORD=" + user.password() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
