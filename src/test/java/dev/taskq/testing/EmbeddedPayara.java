package dev.taskq.testing;

import java.nio.file.Path;
import java.util.List;
import org.glassfish.embeddable.CommandResult;
import org.glassfish.embeddable.CommandRunner;

/**
 * Runs asadmin commands on an embedded Payara in this JVM. Only loaded where payara-embedded-all is on the class
 * path (the default test profile, the dev server, the benchmark).
 *
 * <p>arquillian-payara-server-embedded 3.0 has no post-boot command file (its settings are the HTTP ports, a
 * domain.xml, a glassfish-resources.xml, system properties and the instance root), so the harness runs the operators'
 * file itself through the server's {@link CommandRunner}: the same commands as on Payara Server and Micro, instead of a
 * resources XML that would be a second definition of the mail session.
 */
public final class EmbeddedPayara {

    private EmbeddedPayara() {
    }

    /** Runs every command of an asadmin file; fails on the first failed command that is not allowed to fail. */
    public static void run(CommandRunner asadmin, Path file) {
        run(asadmin, AsadminFile.read(file));
    }

    /** Runs these commands in order; fails on the first failed command that is not allowed to fail. */
    public static void run(CommandRunner asadmin, List<AsadminFile.Command> commands) {
        for (AsadminFile.Command command : commands) {
            CommandResult result = asadmin.run(command.name(), command.arguments().toArray(String[]::new));
            if (result.getExitStatus() == CommandResult.ExitStatus.FAILURE && !command.mayFail()) {
                throw new IllegalStateException(command.name() + " failed: " + result.getOutput(),
                        result.getFailureCause());
            }
        }
    }

    /** Runs one command; fails when it fails. */
    public static void run(CommandRunner asadmin, String command, List<String> arguments) {
        CommandResult result = asadmin.run(command, arguments.toArray(String[]::new));
        if (result.getExitStatus() == CommandResult.ExitStatus.FAILURE) {
            throw new IllegalStateException(command + " failed: " + result.getOutput(), result.getFailureCause());
        }
    }

    /** The embedded server Arquillian booted in this JVM: the mail session from the operators' file, and the test users. */
    static void configureForTests() {
        CommandRunner asadmin = org.glassfish.internal.api.Globals.get(CommandRunner.class);
        run(asadmin, AsadminFile.MAIL_SESSION);
        for (TestUsers.User user : TestUsers.ALL) {
            asadmin.run("delete-file-user", user.name()); // from an earlier run of the same JVM: none
            run(asadmin, "create-file-user", List.of("--groups", user.group(), "--passwordfile",
                    TestUsers.passwordFile(user).toString(), user.name()));
        }
    }
}
