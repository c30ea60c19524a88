package dev.taskq.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader for the tests (a dozen lines, so no CSV library): records end with CRLF, a field is
 * either unquoted (no quote, comma, CR or LF in it) or quoted with inner quotes doubled. Anything else fails.
 */
final class StrictCsv {

    private StrictCsv() {
    }

    static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException("unterminated quoted field");
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
            } else {
                while (i < text.length() && ",\r\n".indexOf(text.charAt(i)) < 0) {
                    if (text.charAt(i) == '"') {
                        throw new IllegalArgumentException("quote inside an unquoted field at " + i);
                    }
                    field.append(text.charAt(i++));
                }
            }
            record.add(field.toString());
            field.setLength(0);
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            } else if (text.startsWith("\r\n", i)) {
                i += 2;
                records.add(record);
                record = new ArrayList<>();
            } else if (i < text.length()) {
                throw new IllegalArgumentException("expected a comma or CRLF at " + i);
            } else {
                throw new IllegalArgumentException("the last record does not end with CRLF");
            }
        }
        return records;
    }
}
