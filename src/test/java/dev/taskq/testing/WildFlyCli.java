package dev.taskq.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** jboss-cli.sh of the WildFly under test, connected to its management port (127.0.0.1:9990), as an operator runs it. */
public final class WildFlyCli {

    private WildFlyCli() {
    }

    /** Runs jboss-cli.sh with these arguments (e.g. {@code --file=…}); its exit code and output, whatever they are. */
    public static ServerSetup.Result run(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerKind.WILDFLY.home().resolve("bin/jboss-cli.sh").toString(),
                "-c", "--controller=127.0.0.1:9990"));
        command.addAll(List.of(arguments));
        return ServerSetup.execute(command);
    }

    /** The whole answer of one management operation, e.g. {@code /subsystem=mail:read-resource(recursive=true)}. */
    public static JsonObject operation(String operation) throws Exception {
        ServerSetup.Result result = run("--output-json", "--command=" + operation);
        // With --output-json the CLI prints the answer as JSON; it exits with 1 when the outcome is "failed".
        String output = result.output().substring(result.output().indexOf('{'));
        return Json.createReader(new StringReader(output)).readObject();
    }

    /** The result of an operation that must succeed. */
    public static JsonValue result(String operation) throws Exception {
        JsonObject answer = operation(operation);
        if (!"success".equals(answer.getString("outcome"))) {
            throw new IllegalStateException(operation + ": " + answer);
        }
        return answer.getOrDefault("result", JsonValue.NULL);
    }
}
