package dev.taskq.web;

import dev.taskq.config.TaskqSettings;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gives the session cookie {@code SameSite=Lax}, and {@code Secure} over HTTPS or when
 * {@code taskq.session-cookie.secure} says HTTPS ends at a proxy in front ({@code HttpOnly} is in web.xml).
 * Servlet 6's cookie attributes would be the standard way, but embedded Payara 6.2024.8 ignores them; so when a
 * request creates the session, the cookie header the server just added is completed here, before anything is
 * written. An attribute the server already set is left alone. WildFly writes its session cookie only when the
 * response is committed, so this filter finds no header to complete there: WEB-INF/undertow-handlers.conf gives it
 * {@code SameSite=Lax} instead ({@code Secure} from the setting is not added on WildFly).
 */
public class SessionCookieFilter extends HttpFilter {

    private static final String SET_COOKIE = "Set-Cookie";

    @Inject
    TaskqSettings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean secure = request.isSecure() || settings.secureSessionCookie();
        String name = request.getServletContext().getSessionCookieConfig().getName();
        String prefix = (name == null ? "JSESSIONID" : name) + "=";
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public HttpSession getSession(boolean create) {
                HttpSession session = super.getSession(create);
                if (session != null && session.isNew()) {
                    complete(response, prefix, secure);
                }
                return session;
            }

            @Override
            public HttpSession getSession() {
                return getSession(true);
            }

            /** A login changes the session id: the new cookie needs the attributes too. */
            @Override
            public String changeSessionId() {
                String id = super.changeSessionId();
                complete(response, prefix, secure);
                return id;
            }
        }, response);
    }

    private static void complete(HttpServletResponse response, String prefix, boolean secure) {
        if (response.isCommitted()) {
            return;
        }
        List<String> cookies = new ArrayList<>(response.getHeaders(SET_COOKIE));
        for (int i = 0; i < cookies.size(); i++) {
            String cookie = cookies.get(i);
            String fixed = cookie.startsWith(prefix) ? withAttributes(cookie, secure) : cookie;
            if (i == 0) {
                response.setHeader(SET_COOKIE, fixed);
            } else {
                response.addHeader(SET_COOKIE, fixed);
            }
        }
    }

    static String withAttributes(String cookie, boolean secure) {
        String lower = cookie.toLowerCase(Locale.ROOT);
        StringBuilder fixed = new StringBuilder(cookie);
        if (!lower.contains("samesite=")) {
            fixed.append("; SameSite=Lax");
        }
        if (secure && !lower.matches(".*;\\s*secure(;.*|\\s*$)")) {
            fixed.append("; Secure");
        }
        return fixed.toString();
    }
}
