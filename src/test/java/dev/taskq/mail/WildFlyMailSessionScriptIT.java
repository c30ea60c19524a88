package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.ServerSetup;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.WildFlyCli;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * server-config/wildfly/create-mail-session.cli changes the server in one batch: when one of its steps fails, none
 * is applied. The failing step here: a session an operator made by hand (in the console, say) under another name
 * is bound at java:/mail/taskq already, so the script's session cannot be bound there, after its socket binding
 * was added. On WildFly only (tag "wildfly", see pom.xml), against the server the other tests use: it ends with the
 * server configured as the harness left it.
 */
@Tag("wildfly")
@TaskqIT
class WildFlyMailSessionScriptIT {

    private static final Path CREATE = Path.of("server-config/wildfly/create-mail-session.cli").toAbsolutePath();
    private static final Path REMOVE = Path.of("server-config/wildfly/remove-mail-session.cli").toAbsolutePath();
    private static final String LEGACY = "/subsystem=mail/mail-session=legacy";

    @Test
    void aFailedStepLeavesTheServerAsItWasAndTheScriptRunsOnceTheCauseIsGone() throws Exception {
        try {
            assertEquals(0, WildFlyCli.run("--file=" + REMOVE).exitCode());
            WildFlyCli.result(LEGACY + ":add(jndi-name=java:/mail/taskq, from=\"legacy@example.com\")");
            JsonObject before = configuration();

            ServerSetup.Result failed = WildFlyCli.run("--file=" + CREATE);

            assertEquals(1, failed.exitCode(), failed.output());
            assertTrue(failed.output().contains("java.mail/taskq is already registered"), failed.output());
            assertEquals(before, configuration(), "the server's configuration after the failed script");
            assertFalse(configuration().getJsonObject("bindings").containsKey("taskq-smtp"),
                    "the socket binding, added before the failed step, is not there");
        } finally {
            if (WildFlyCli.operation(LEGACY + ":read-resource").getString("outcome").equals("success")) {
                WildFlyCli.result(LEGACY + ":remove");
                // Its name stays bound until a reload (the server answers "reload-required"), as an operator sees.
                assertEquals(0, WildFlyCli.run("--command=reload").exitCode());
            }
        }

        // Once the hand-made session is gone, the script runs through, and again over its own earlier run.
        for (int run = 1; run <= 2; run++) {
            ServerSetup.Result applied = WildFlyCli.run("--file=" + CREATE);
            assertEquals(0, applied.exitCode(), "run " + run + ": " + applied.output());
            JsonObject session = configuration().getJsonObject("sessions").getJsonObject("taskq");
            assertEquals("java:/mail/taskq", session.getString("jndi-name"));
            assertEquals("${env.MAIL_FROM}", expression(session, "from"));
            assertEquals("taskq-smtp", session.getJsonObject("server").getJsonObject("smtp")
                    .getString("outbound-socket-binding-ref"));
            JsonObject binding = configuration().getJsonObject("bindings").getJsonObject("taskq-smtp");
            assertEquals("${env.SMTP_HOST}", expression(binding, "host"));
            assertEquals("${env.SMTP_PORT}", expression(binding, "port"));
            assertEquals("running", WildFlyCli.result(":read-attribute(name=server-state)").toString()
                    .replace("\"", ""), "reloaded by the script");
        }
    }

    /** An attribute stored as an expression, which --output-json shows as {"EXPRESSION_VALUE": "${…}"}. */
    private static String expression(JsonObject resource, String attribute) {
        return resource.getJsonObject(attribute).getString("EXPRESSION_VALUE");
    }

    /** The mail sessions, the outbound socket bindings, and whether the server waits for a reload. */
    private static JsonObject configuration() throws Exception {
        JsonValue sessions = WildFlyCli.result("/subsystem=mail:read-children-resources(child-type=mail-session,"
                + "recursive=true)");
        JsonValue bindings = WildFlyCli.result("/socket-binding-group=standard-sockets:read-children-resources("
                + "child-type=remote-destination-outbound-socket-binding)");
        JsonValue state = WildFlyCli.result(":read-attribute(name=server-state)");
        return Json.createObjectBuilder().add("sessions", sessions).add("bindings", bindings).add("state", state)
                .build();
    }
}
