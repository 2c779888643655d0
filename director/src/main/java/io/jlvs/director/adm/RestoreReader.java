package io.jlvs.director.adm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code ipvsadm -R} input (what {@code ipvsadm -S} writes): one command per line,
 * words separated by spaces or tabs, each line parsed by {@link AdmParser} as a command
 * line. As in ipvsadm, every word {@code ipvsadm} is dropped (so {@code ipvsadm -A ...}
 * lines work) and empty lines are skipped; a word starting with {@code #} starts a comment
 * that runs to the end of the line. A {@code -R} inside the input is refused, and so is a line
 * longer than {@value #MAX_LINE_CHARS} characters (no ipvsadm command comes near it).
 */
public final class RestoreReader {
    /** The longest line read, in characters: far beyond any ipvsadm command line. */
    public static final int MAX_LINE_CHARS = 64 << 10;

    private final AdmParser parser;

    /** A reader whose lines are parsed by that parser. */
    public RestoreReader(AdmParser parser) {
        this.parser = parser;
    }

    /**
     * A command and the line it came from.
     *
     * @param lineNumber 1-based line number
     * @param command    the command
     */
    public record Line(int lineNumber, AdmCommand command) {
    }

    /**
     * A line that does not parse.
     *
     * @param lineNumber 1-based line number
     * @param message    ipvsadm's message for it
     * @param exitCode   ipvsadm's exit status for it
     */
    public record LineError(int lineNumber, String message, int exitCode) {
        /** {@code line 3: illegal weight specified}. */
        @Override
        public String toString() {
            return "line " + lineNumber + ": " + message;
        }
    }

    /**
     * The commands of the input in order, and every line that failed (empty when all parse).
     *
     * @param lines  commands that parsed
     * @param errors lines that did not
     */
    public record Result(List<Line> lines, List<LineError> errors) {
        /** Copies the lists. */
        public Result {
            lines = List.copyOf(lines);
            errors = List.copyOf(errors);
        }

        /** Whether every line parsed. */
        public boolean isOk() {
            return errors.isEmpty();
        }

        /** The commands alone, in order. */
        public List<AdmCommand> commands() {
            List<AdmCommand> commands = new ArrayList<>(lines.size());
            for (Line line : lines) {
                commands.add(line.command());
            }
            return commands;
        }
    }

    /** Parses the whole input; line ends may be LF or CRLF. */
    public Result read(String text) {
        List<Line> lines = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        String[] rawLines = text.split("\n", -1);
        for (int i = 0; i < rawLines.length; i++) {
            if (rawLines[i].length() > MAX_LINE_CHARS) {
                errors.add(tooLong(i + 1));
                continue;
            }
            List<String> words = words(rawLines[i]);
            if (words.isEmpty()) {
                continue;
            }
            AdmResult result = parser.parseRestoreLine(words);
            switch (result) {
                case AdmResult.Parsed parsed -> lines.add(new Line(i + 1, parsed.command()));
                case AdmResult.Failed failed -> errors.add(new LineError(i + 1, failed.message(), failed.exitCode()));
            }
        }
        return new Result(lines, errors);
    }

    /**
     * The first line of {@code text} longer than {@link #MAX_LINE_CHARS}, as the error
     * {@link #read} gives it, or empty: a check before the input is sent anywhere.
     */
    public static Optional<LineError> firstTooLong(String text) {
        int lineNumber = 1;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            if (end - start > MAX_LINE_CHARS) {
                return Optional.of(tooLong(lineNumber));
            }
            start = end + 1;
            lineNumber++;
        }
        return Optional.empty();
    }

    private static LineError tooLong(int lineNumber) {
        return new LineError(lineNumber, "line " + lineNumber + " is longer than the " + MAX_LINE_CHARS
                + " characters a restore line may have", AdmResult.EXIT_BAD_OPTION);
    }

    /** The words of one line, without {@code ipvsadm} words and comments. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.split("[ \t\r]+")) {
            if (word.startsWith("#")) {
                break;
            }
            if (!word.isEmpty() && !word.equals(AdmParser.IPVSADM)) {
                words.add(word);
            }
        }
        return words;
    }
}
