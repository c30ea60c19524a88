package dev.taskq.storage;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * {@code /api/admin/submissions.csv}: every kept submission (or those matching {@code q}), newest first, as CSV.
 * Streamed page by page, so the export of a large table holds one page in memory.
 */
@Path("admin/submissions.csv")
@RequestScoped
public class SubmissionExportResource {

    static final int PAGE = 500;

    @Inject
    SubmissionStore store;

    /** Writes the BOM, the header and every row, page after page ({@code next} reads the page after a cursor). */
    static void write(Writer out, List<StoredSubmission> first,
                      Function<SubmissionStore.Cursor, List<StoredSubmission>> next) throws IOException {
        out.write(SubmissionCsv.BOM);
        SubmissionCsv.writeHeader(out);
        List<StoredSubmission> page = first;
        while (!page.isEmpty()) {
            for (StoredSubmission row : page) {
                SubmissionCsv.write(out, row);
            }
            if (page.size() < PAGE) {
                break;
            }
            StoredSubmission last = page.get(page.size() - 1);
            page = next.apply(new SubmissionStore.Cursor(last.receivedAt(), last.id()));
        }
    }

    @GET
    @Produces("text/csv; charset=UTF-8")
    public Response export(@QueryParam("q") String q, @QueryParam("spam") String spamParam) {
        String search = SubmissionAdminResource.search(q);
        boolean spam = SubmissionAdminResource.spam(spamParam);
        // The first page is read before answering, so an unreachable database still gets its 503.
        List<StoredSubmission> first = store.page(spam, search, null, PAGE);
        StreamingOutput body = output -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8));
            write(out, first, after -> store.page(spam, search, after, PAGE));
            out.flush();
        };
        return Response.ok(body)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"submissions.csv\"")
                .build();
    }
}
