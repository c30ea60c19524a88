package dev.taskq.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A small Server-Sent Events client for the tests: reads the stream on a thread of its own and hands out the
 * events one by one, so a test never blocks for more than 30 s on a stream that stays silent.
 */
public final class SseClient implements AutoCloseable {

    /** One event: its name ({@code event:}) and its data ({@code data:} lines joined by LF). */
    public record Event(String name, String data) {

        public JsonObject json() {
            return Json.createReader(new StringReader(data)).readObject();
        }

        /** The {@code status} member of the event's JSON data. */
        public String status() {
            return json().getString("status");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Event END = new Event("", "");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "test-sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream (GET with {@code Accept: text/event-stream}); returns once the headers arrived. */
    public static SseClient open(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream")
                .timeout(WAIT)
                .GET()
                .build();
        return new SseClient(CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    }

    public int statusCode() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The next event, or null once the server ended the stream; fails when none came within 30 s. */
    public Event next() throws InterruptedException {
        Event event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event and no end of the stream within " + WAIT.toSeconds() + " s");
        }
        if (event == END) {
            events.add(END); // stays ended
            return null;
        }
        return event;
    }

    /** Every further event until the server ends the stream. */
    public List<Event> untilEnd() throws InterruptedException {
        List<Event> rest = new ArrayList<>();
        for (Event event = next(); event != null; event = next()) {
            rest.add(event);
        }
        return rest;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(name, data.toString()));
                    }
                    name = "message";
                    data = null;
                } else if (line.startsWith("event:")) {
                    name = field(line);
                } else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(field(line));
                }
                // Comments (":…"), id: and retry: lines are not needed by the tests.
            }
        } catch (IOException e) {
            // Closed by the test, or the connection broke: either way the stream has ended.
        } finally {
            events.add(END);
        }
    }

    private static String field(String line) {
        String value = line.substring(line.indexOf(':') + 1);
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
