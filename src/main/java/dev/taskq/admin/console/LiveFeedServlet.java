package dev.taskq.admin.console;

import dev.taskq.admin.QueueFigures;
import dev.taskq.queue.QueueUnavailableException;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /admin/live}: the overview as JSON for the console's script, which polls it every few seconds. Behind
 * {@link ConsoleAccessFilter} (the session of the login form), unlike {@code /api/admin/overview} (HTTP Basic).
 * Each poll costs a couple of pipelined Redis round trips on the shared pool, never a connection per browser.
 */
@WebServlet(LiveFeedServlet.PATH)
public class LiveFeedServlet extends HttpServlet {

    static final String PATH = "/admin/live";

    @Inject
    QueueFigures figures;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        try {
            response.getWriter().write(figures.overviewJson().toString());
        } catch (QueueUnavailableException e) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Redis is unreachable");
        }
    }
}
