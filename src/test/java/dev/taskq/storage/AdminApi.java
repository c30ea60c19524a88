package dev.taskq.storage;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The submissions admin API as an operator's script uses it: HTTP Basic, the CSRF header on state changes. */
final class AdminApi {

    static final String CSRF_HEADER = "X-Requested-By";

    private final URI base;
    private final String authorization;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    AdminApi(URL base, String user, String password) {
        this.base = URI.create(base.toString());
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> delete(String path, boolean withCsrfHeader) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).DELETE();
        if (withCsrfHeader) {
            request.header(CSRF_HEADER, "test");
        }
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json, boolean withCsrfHeader)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (withCsrfHeader) {
            request.header(CSRF_HEADER, "test");
        }
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A POST that is neither JSON nor carries the header: what a cross-site form can send. */
    HttpResponse<String> postForm(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)), HttpResponse.BodyHandlers.ofString());
    }

    /** Every item matching {@code q}, following the cursor page by page. */
    List<JsonObject> all(String q, int pageSize) throws IOException, InterruptedException {
        List<JsonObject> items = new ArrayList<>();
        String cursor = null;
        do {
            String path = "api/admin/submissions?limit=" + pageSize + "&q=" + encode(q)
                    + (cursor == null ? "" : "&cursor=" + encode(cursor));
            HttpResponse<String> response = get(path);
            if (response.statusCode() != 200) {
                throw new IllegalStateException(response.statusCode() + " " + response.body());
            }
            JsonObject page = json(response.body());
            page.getJsonArray("items").forEach(item -> items.add(item.asJsonObject()));
            cursor = page.isNull("next") ? null : page.getString("next");
        } while (cursor != null);
        return items;
    }

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization);
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return client.send(request.build(), handler);
    }
}
