package dev.taskq.admin.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * Lets only a signed-in operator (see {@link LoginForm}) reach {@code /admin/*}; anyone else is sent to the login
 * page (a page request) or answered 401 (the live feed). The pages are not under a web.xml constraint, because the
 * application's one login-config is HTTP Basic for the JSON admin API, whose browser prompt is no login page.
 */
@WebFilter("/admin/*")
public class ConsoleAccessFilter extends HttpFilter {

    /** Session attribute holding the signed-in operator's name. */
    static final String OPERATOR = "dev.taskq.admin.operator";
    static final String LOGIN_PAGE = "/admin/login.xhtml";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        // Nothing of the console may be cached: it shows live figures and task contents.
        response.setHeader("Cache-Control", "no-store");
        if (path.equals(LOGIN_PAGE) || operator(request) != null) {
            chain.doFilter(request, response);
        } else if (path.equals(LiveFeedServlet.PATH)) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        } else {
            response.sendRedirect(request.getContextPath() + LOGIN_PAGE);
        }
    }

    static String operator(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? null : (String) session.getAttribute(OPERATOR);
    }
}
