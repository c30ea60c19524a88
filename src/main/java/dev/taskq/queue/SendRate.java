package dev.taskq.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A send rate shared by every server on one Redis, such as {@code 14/s,600/min,50000/day}: each window is a sliding
 * one (no more than {@code limit} starts in any period of its length), and the shortest is also spread evenly (one
 * start every length/limit), enforced in Redis by the script that starts a run, so that all servers together stay
 * within it.
 */
public record SendRate(List<Window> windows) {

    /** At most {@code limit} runs in any period of {@code length}. */
    public record Window(int limit, Duration length) {

        /** As written in the setting: {@code 14/s}, {@code 600/min}, {@code 50000/day}. */
        @Override
        public String toString() {
            String unit = switch (lengthName()) {
                case "second" -> "s";
                case "minute" -> "min";
                default -> lengthName();
            };
            return limit + "/" + unit;
        }

        /** second, minute, hour or day (the only lengths {@link #parse} makes). */
        public String lengthName() {
            return length.equals(Duration.ofSeconds(1)) ? "second" : length.equals(Duration.ofMinutes(1)) ? "minute"
                    : length.equals(Duration.ofHours(1)) ? "hour" : "day";
        }
    }

    private static final Pattern WINDOW = Pattern.compile("(\\d{1,9})\\s*/\\s*([a-z]+)");

    /** The budget every mail-sending task type shares ({@code taskq.mail-rate}): part of its Redis keys. */
    public static final String MAIL = "mail";

    /** No limit. */
    public static final SendRate NONE = new SendRate(List.of());

    /**
     * Reads {@code 14/s}, {@code 600/min}, {@code 50000/day} or several of them separated by commas; empty means none.
     *
     * @throws IllegalArgumentException with the reason when the text is not such a rate
     */
    public static SendRate parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Window> windows = new ArrayList<>();
        for (String part : text.toLowerCase(Locale.ROOT).split(",")) {
            Matcher matcher = WINDOW.matcher(part.strip());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not a rate such as 14/s, 600/min or"
                        + " 50000/day");
            }
            int limit = Integer.parseInt(matcher.group(1));
            if (limit < 1) {
                throw new IllegalArgumentException("a rate's count must be at least 1");
            }
            windows.add(new Window(limit, unit(matcher.group(2))));
        }
        // Shortest first: the start script spreads the shortest window's starts evenly.
        windows.sort(Comparator.comparing(Window::length));
        return new SendRate(List.copyOf(windows));
    }

    /** As written in the setting, shortest window first: {@code 14/s,50000/day}; empty for none. */
    @Override
    public String toString() {
        return String.join(",", windows.stream().map(Window::toString).toList());
    }

    public boolean isLimited() {
        return !windows.isEmpty();
    }

    private static Duration unit(String unit) {
        return switch (unit) {
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "m", "min", "minute" -> Duration.ofMinutes(1);
            case "h", "hour" -> Duration.ofHours(1);
            case "d", "day" -> Duration.ofDays(1);
            default -> throw new IllegalArgumentException("unknown time unit '" + unit + "' (use s, min, hour or day)");
        };
    }
}
