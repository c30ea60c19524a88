package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TaskCodecTest {

    @Test
    void aTaskSurvivesTheRoundTrip() throws MalformedTaskException {
        Task task = new Task("7d1f0c4e-0000-4000-8000-000000000001", "confirmation-mail",
                Map.of("name", "Zoë \"Z\" 日本", "message", "line 1\r\nline 2"), Instant.parse("2026-11-21T10:15:30.123Z"));

        assertEquals(task, TaskCodec.decode(TaskCodec.encode(task)));
    }

    @Test
    void theWireFormatIsAJsonObjectWithIdAndType() {
        Task task = Task.create("confirmation-mail", Map.of("name", "Ann"));
        String json = TaskCodec.encode(task);

        assertEquals(true, json.startsWith("{") && json.contains("\"id\":\"" + task.id() + "\"")
                && json.contains("\"type\":\"confirmation-mail\""), json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "42", "{}", "null", "{\"id\":\"x\"}",
            "{\"id\":\"x\",\"type\":\"t\"}", "{\"id\":\"x\",\"type\":\"t\",\"createdAt\":\"2026-11-21T10:15:30Z\"}", "{\"id\":\"x\",\"type\":\"t\",\"createdAt\":\"yesterday\"}",
            "{\"id\":\"x\",\"type\":\"t\",\"createdAt\":\"2026-11-21T10:15:30Z\",\"payload\":[1]}"})
    void anythingElseIsMalformed(String entry) {
        assertThrows(MalformedTaskException.class, () -> TaskCodec.decode(entry));
    }
}
