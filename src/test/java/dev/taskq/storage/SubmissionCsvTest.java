package dev.taskq.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmissionCsvTest {

    @Test
    void everyFieldReadsBackThroughAStrictReader() throws Exception {
        StoredSubmission row = new StoredSubmission("id-1", "Ann \"A\", Zoë", "ann@example.com",
                "line 1\r\nline 2\nline 3, \"quoted\" 東京 🙂", Instant.parse("2026-12-01T10:00:00.123Z"), false);
        StringWriter out = new StringWriter();
        SubmissionCsv.writeHeader(out);
        SubmissionCsv.write(out, row);
        List<List<String>> records = StrictCsv.parse(out.toString());
        assertEquals(List.of(SubmissionCsv.HEADER, List.of("id-1", "2026-12-01T10:00:00.123Z", row.name(),
                row.email(), row.message(), "false")), records);
    }

    @Test
    void cellsAFormulaCouldStartWithAreNeutralised() {
        for (String dangerous : List.of("=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "\tx", "\rx")) {
            assertEquals("'" + dangerous, SubmissionCsv.neutralised(dangerous));
        }
        for (String harmless : List.of("", "plain", " =not first", "'quoted")) {
            assertEquals(harmless, SubmissionCsv.neutralised(harmless));
        }
    }
}
