package dev.taskq.submission;

import java.util.regex.Pattern;

/** Reads an {@code Idempotency-Key} header: a structured-field string ({@code "…"}), or the same text bare. */
final class IdempotencyKeys {

    static final int MAX_LENGTH = 255;
    private static final Pattern KEY = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]{1," + MAX_LENGTH + "}");

    private IdempotencyKeys() {
    }

    /** The key, or null when the header does not hold one. */
    static String parse(String header) {
        String value = header.trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return KEY.matcher(value).matches() ? value : null;
    }
}
