package dev.taskq.storage;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes submissions as CSV (RFC 4180): every field quoted, quotes doubled, CRLF between records, UTF-8 with a
 * byte-order mark (written by the caller) so spreadsheet programs read the encoding right. A cell that starts with
 * {@code = + - @}, a tab or a CR gets a leading {@code '}, so no spreadsheet runs it as a formula.
 */
final class SubmissionCsv {

    static final List<String> HEADER = List.of("id", "receivedAt", "name", "email", "message", "spam");
    static final char BOM = '\uFEFF';

    private SubmissionCsv() {
    }

    static void writeHeader(Writer out) throws IOException {
        writeRecord(out, HEADER);
    }

    static void write(Writer out, StoredSubmission submission) throws IOException {
        writeRecord(out, List.of(submission.id(), submission.receivedAt().toString(), submission.name(),
                submission.email(), submission.message(), String.valueOf(submission.spam())));
    }

    private static void writeRecord(Writer out, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write('"');
            out.write(neutralised(fields.get(i)).replace("\"", "\"\""));
            out.write('"');
        }
        out.write("\r\n");
    }

    static String neutralised(String cell) {
        if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
            return "'" + cell;
        }
        return cell;
    }
}
