package dev.taskq.web;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every page and API response carries the security headers; the session cookie its attributes; a favicon. */
@Tag("core") // on every real server in CI (see .ci/run)
class SecurityHeadersIT extends DeployedAppBase {

    @Test
    void everyPageAndApiResponseCarriesTheSecurityHeaders() throws Exception {
        Http http = http();
        String id = UUID.randomUUID().toString();
        List<HttpResponse<String>> responses = List.of(
                http.get(""),
                http.get("index.xhtml"),
                http.get("submitted.xhtml?id=" + id),
                http.get("submitted.xhtml"),
                http.get("jakarta.faces.resource/css/taskq.css.xhtml"),
                http.get("favicon.ico"),
                http.get("favicon.svg"),
                http.get("api/tasks/" + id),
                http.get("api/tasks/" + id + "/events"),
                http.post("api/submissions", "application/json", "{}".getBytes(StandardCharsets.UTF_8)),
                http.post("api/submissions", "text/plain", "x".getBytes(StandardCharsets.UTF_8)),
                http.get("api/admin/dead-letters"));
        for (HttpResponse<String> response : responses) {
            String what = response.request().method() + " " + response.uri() + " → " + response.statusCode();
            String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
            assertAll(what,
                    () -> assertTrue(csp.contains("default-src 'self'"), what + ": " + csp),
                    () -> assertTrue(csp.contains("frame-ancestors 'none'"), what + ": " + csp),
                    () -> assertTrue(!csp.contains("unsafe-inline"), what + ": " + csp),
                    () -> assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options")
                            .orElse(null), what),
                    () -> assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy")
                            .orElse(null), what));
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLax() throws Exception {
        HttpResponse<String> form = http().get("");
        String cookie = form.headers().allValues("Set-Cookie").stream()
                .filter(value -> value.startsWith("JSESSIONID="))
                .findFirst().orElseThrow(() -> new AssertionError("no session cookie: " + form.headers()));
        assertTrue(cookie.toLowerCase().contains("httponly"), cookie);
        assertTrue(cookie.toLowerCase().contains("samesite=lax"), cookie);
        assertTrue(!cookie.toLowerCase().contains("secure"), "plain HTTP here: " + cookie);
    }

    @Test
    void theFaviconIsServed() throws Exception {
        HttpResponse<String> ico = http().get("favicon.ico");
        assertEquals(200, ico.statusCode());
        HttpResponse<String> svg = http().get("favicon.svg");
        assertEquals(200, svg.statusCode());
        assertTrue(svg.headers().firstValue("Content-Type").orElse("").startsWith("image/svg+xml"));
        assertTrue(http().get("").body().contains("favicon.svg"), "the pages link it");
    }
}
