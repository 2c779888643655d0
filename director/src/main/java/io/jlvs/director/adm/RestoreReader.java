package io.jlvs.director.adm;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code ipvsadm -R} input (what {@code ipvsadm -S} writes): one command per line,
 * words separated by spaces or tabs, each line parsed by {@link AdmParser} as a command
 * line. As in ipvsadm, every word {@code ipvsadm} is dropped (so {@code ipvsadm -A ...}
 * lines work) and empty lines are skipped; a word starting with {@code #} starts a comment
 * that runs to the end of the line. A {@code -R} inside the input is refused.
 */
public final class RestoreReader {
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
