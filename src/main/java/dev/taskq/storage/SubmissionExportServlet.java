package dev.taskq.storage;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * {@code /admin/submissions.csv}: the console's export link, the same CSV as {@code /api/admin/submissions.csv}.
 * Under {@code /admin/*}, so only a signed-in operator gets it (the console's login, not HTTP Basic).
 */
@WebServlet(SubmissionExportServlet.PATH)
public class SubmissionExportServlet extends HttpServlet {

    static final String PATH = "/admin/submissions.csv";

    @Inject
    SubmissionStore store;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String search;
        boolean spam;
        try {
            search = SubmissionAdminResource.search(request.getParameter("q"));
            spam = SubmissionAdminResource.spam(request.getParameter("spam"));
        } catch (RuntimeException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        List<StoredSubmission> page;
        try {
            page = store.page(spam, search, null, SubmissionExportResource.PAGE);
        } catch (DatabaseUnavailableException e) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        response.setContentType("text/csv; charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"submissions.csv\"");
        Writer out = response.getWriter();
        SubmissionExportResource.write(out, page, after -> store.page(spam, search, after,
                SubmissionExportResource.PAGE));
        out.flush();
    }
}
