package dev.taskq.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An asadmin command file as operators use it ({@code asadmin multimode --file}, Payara Micro's
 * {@code --postbootcommandfile}), read for embedded Payara, which can run commands but not such a file: one command a
 * line, {@code #} comments, double quotes keeping a value in one piece, and {@code ${ENV=NAME}} replaced by the
 * environment variable NAME, else the system property NAME (the dev server and the benchmark set those for the SMTP
 * server they start), else left as written (as Payara leaves it).
 */
public final class AsadminFile {

    /** The operators' file that creates the mail session {@code mail/taskq}. */
    public static final Path MAIL_SESSION = Path.of("server-config", "payara", "create-mail-session.asadmin");

    private static final Pattern ENV = Pattern.compile("\\$\\{ENV=([A-Za-z_][A-Za-z0-9_]*)}");

    /** One command: its name and its arguments, quotes removed, references replaced. */
    public record Command(String name, List<String> arguments) {

        /** A delete-* command may fail: the file deletes first so that it can run again. */
        public boolean mayFail() {
            return name.startsWith("delete-");
        }

        @Override
        public String toString() {
            return name + " " + String.join(" ", arguments);
        }
    }

    private AsadminFile() {
    }

    public static List<Command> read(Path file) {
        return read(file, AsadminFile::lookup);
    }

    /** As {@link #read(Path)}, with {@code values} giving the value of a reference (null: leave it as written). */
    public static List<Command> read(Path file, UnaryOperator<String> values) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Command> commands = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            List<String> words = words(substitute(trimmed, values));
            commands.add(new Command(words.get(0), List.copyOf(words.subList(1, words.size()))));
        }
        return commands;
    }

    private static String lookup(String name) {
        String value = System.getenv(name);
        return value != null ? value : System.getProperty(name);
    }

    private static String substitute(String line, UnaryOperator<String> values) {
        Matcher reference = ENV.matcher(line);
        StringBuilder replaced = new StringBuilder();
        while (reference.find()) {
            String value = values.apply(reference.group(1));
            reference.appendReplacement(replaced, Matcher.quoteReplacement(value != null ? value : reference.group()));
        }
        return reference.appendTail(replaced).toString();
    }

    /** Splits on blanks outside double quotes and drops the quotes. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
