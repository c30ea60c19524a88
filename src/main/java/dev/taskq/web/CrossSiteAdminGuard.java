package dev.taskq.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps cross-site forms away from the admin API: a browser reuses an admin's cached Basic credentials for any
 * site's form that posts to us, but a form can neither send a JSON body nor a custom header (both need a CORS
 * preflight, which we never grant). So a request that changes state under {@code /api/admin} must carry
 * {@code Content-Type: application/json} or an {@code X-Requested-By} header; anything else gets 403.
 */
public class CrossSiteAdminGuard extends HttpFilter {

    public static final String HEADER = "X-Requested-By";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (SAFE_METHODS.contains(request.getMethod()) || isJson(request.getContentType())
                || hasText(request.getHeader(HEADER))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":"
                + "\"A request that changes state must send a JSON body or the " + HEADER + " header.\"}");
    }

    private static boolean isJson(String contentType) {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json");
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
