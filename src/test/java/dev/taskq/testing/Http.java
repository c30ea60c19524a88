package dev.taskq.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A small HTTP client for the tests: keeps cookies (the Faces session) and never follows redirects itself. */
public final class Http {

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final String authorization;

    public Http(URL base) {
        this(base, null);
    }

    private Http(URL base, String authorization) {
        this.base = URI.create(base.toString());
        this.authorization = authorization;
    }

    /** The same client sending HTTP Basic credentials with every request. */
    public Http as(String user, String password) throws java.net.MalformedURLException {
        String credentials = java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new Http(base.toURL(), "Basic " + credentials);
    }

    /** Signs in on the console's login form as {@code user}; the session cookie stays with this client. */
    public Http signedIn(String user, String password) throws IOException, InterruptedException {
        String page = get("admin/login.xhtml").body();
        Matcher viewState = Pattern.compile("name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]+)\"").matcher(page);
        if (!viewState.find()) {
            throw new AssertionError("no login form: " + page);
        }
        HttpResponse<String> login = postForm("admin/login.xhtml", Map.of("login", "login", "login:user", user,
                "login:password", password, "login:sign-in", "Sign in", "jakarta.faces.ViewState", viewState.group(1)));
        if (login.statusCode() != 302) {
            throw new AssertionError("sign-in answered " + login.statusCode() + ": " + login.body());
        }
        return this;
    }

    /** A PUT without a body, with {@code headers} as name, value, name, value, … */
    public HttpResponse<String> put(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).PUT(HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    /** A DELETE, with {@code headers} as name, value, name, value, … */
    public HttpResponse<String> delete(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).DELETE();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    /** A POST with a body and {@code headers} as name, value, name, value, … */
    public HttpResponse<String> post(String path, String contentType, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    public URI resolve(String path) {
        return base.resolve(path);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(resolve(path)).GET());
    }

    public HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    public HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> postForm(String path, Map<String, String> fields)
            throws IOException, InterruptedException {
        String body = fields.entrySet().stream()
                .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
        return post(path, "application/x-www-form-urlencoded", body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
