package dev.taskq.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskq.testing.Http;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Sends submissions through the public API and reads them back through the admin API. */
final class Submissions {

    /** Names and messages with what breaks naive code: accents, CJK, an emoji, quotes, commas, line breaks. */
    private static final String[] NAMES = {"Zoë Ångström", "Łukasz Żółć", "東京 太郎", "Ann \"the\" Smith, Jr.", "Émile 🙂"};
    private static final String[] MESSAGES = {"Grüße aus Köln — ça va?", "第一行\n第二行", "a,b;\"c\"\r\nd",
            "emoji 🙂👍 and ½ ≠ ∞", "plain text"};

    private Submissions() {
    }

    /** What was sent, by submission id: {name, email, message}. */
    record Sent(String id, String name, String email, String message) {
    }

    static Sent submit(Http http, String name, String email, String message) throws Exception {
        HttpResponse<String> response = http.postJson("api/submissions", Json.createObjectBuilder()
                .add("name", name).add("email", email).add("message", message).build().toString());
        assertEquals(202, response.statusCode(), response.body());
        return new Sent(AdminApi.json(response.body()).getString("id"), name, email, message);
    }

    /** {@code count} submissions whose addresses all contain {@code marker}. */
    static List<Sent> submitMany(Http http, String marker, int count) throws Exception {
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(submit(http, NAMES[i % NAMES.length] + " " + i, "p" + i + "-" + marker + "@example.com",
                    MESSAGES[i % MESSAGES.length] + " #" + i));
        }
        return sent;
    }

    static String marker() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Waits until the admin API lists {@code count} rows matching {@code q}, then returns them by id. */
    static Map<String, JsonObject> awaitRows(AdminApi admin, String q, int count, Duration atMost) {
        Map<String, JsonObject> rows = new TreeMap<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
            rows.clear();
            for (JsonObject item : admin.all(q, 30)) {
                rows.put(item.getString("id"), item);
            }
            return rows.size() >= count;
        });
        return rows;
    }

    /** Each row is exactly what was sent, with one row per submission. */
    static void assertRowsEqual(List<Sent> sent, Map<String, JsonObject> rows) {
        assertEquals(sent.size(), rows.size(), "rows");
        for (Sent one : sent) {
            JsonObject row = rows.get(one.id());
            assertEquals(one.name(), row.getString("name"), one.id());
            assertEquals(one.email(), row.getString("email"), one.id());
            assertEquals(one.message(), row.getString("message"), one.id());
        }
    }
}
