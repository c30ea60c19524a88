package dev.taskq.admin.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** How the console writes times and durations: UTC, to the second; durations in the largest sensible unit. */
final class Formats {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    static String instant(Instant instant) {
        return instant == null ? "–" : UTC.format(instant);
    }

    /** An instant as stored in Redis (ISO-8601 or epoch ms), or the text as it is when it is neither. */
    static String instant(String stored) {
        Instant instant = parse(stored);
        return instant != null ? instant(instant) : stored == null || stored.isEmpty() ? "–" : stored;
    }

    /** An instant stored as ISO-8601 or as epoch milliseconds; null when it is neither. */
    static Instant parse(String stored) {
        if (stored == null || stored.isEmpty()) {
            return null;
        }
        try {
            return stored.matches("\\d{1,15}") ? Instant.ofEpochMilli(Long.parseLong(stored)) : Instant.parse(stored);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String duration(Duration duration) {
        if (duration == null) {
            return "–";
        }
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return millis + " ms";
        }
        long seconds = millis / 1000;
        if (seconds < 120) {
            return String.format("%.1f s", millis / 1000.0);
        }
        if (seconds < 7200) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    /** Seconds from a histogram quantile (NaN = no observations). */
    static String seconds(double seconds) {
        if (Double.isNaN(seconds)) {
            return "–";
        }
        return duration(Duration.ofNanos((long) (seconds * 1e9)));
    }
}
