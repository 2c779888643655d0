package io.jlvs.director.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads keepalived.conf syntax into statements, without knowing any keyword. A statement is a
 * keyword and its arguments on one line, optionally followed by a block in braces: the
 * {@code {} may end the line or start the next one, and a block may open and close on one
 * line ({@code url { path /health }}). {@code #} and {@code !} start a comment that runs to
 * the end of the line, anywhere outside double quotes; a double-quoted string is one word
 * (without its quotes, {@code \"} inside it is a quote). Braces are words of their own even
 * when written against another word. Unbalanced braces are refused with the line at fault.
 */
public final class KeepalivedConfig {
    private KeepalivedConfig() {
    }

    /**
     * One statement of the file.
     *
     * @param keyword  the first word
     * @param args     the other words of its line
     * @param line     1-based line of the keyword
     * @param hasBlock whether a block in braces follows
     * @param block    the statements of that block, in order (empty when there is none)
     */
    public record Statement(String keyword, List<String> args, int line, boolean hasBlock, List<Statement> block) {
        /** Copies the lists. */
        public Statement {
            args = List.copyOf(args);
            block = List.copyOf(block);
        }

        /** The argument at that index, or {@code null}. */
        public String arg(int index) {
            return index < args.size() ? args.get(index) : null;
        }
    }

    /** A word and its line; a line end is a word {@code null}. */
    private record Token(String text, int line, boolean quoted) {
        boolean is(String s) {
            return text != null && !quoted && text.equals(s);
        }
    }

    /**
     * The top-level statements of the text.
     *
     * @param fileName the name messages give the file
     * @throws KeepalivedSyntaxException on unbalanced braces or an unterminated string
     */
    public static List<Statement> parse(String text, String fileName) throws KeepalivedSyntaxException {
        return new Reader(tokens(text, fileName), fileName).block(0);
    }

    private static List<Token> tokens(String text, String fileName) throws KeepalivedSyntaxException {
        List<Token> tokens = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int lineNumber = n + 1;
            int i = 0;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (c == '#' || c == '!') {
                    break;
                }
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '{' || c == '}') {
                    tokens.add(new Token(String.valueOf(c), lineNumber, false));
                    i++;
                } else if (c == '"') {
                    StringBuilder word = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < line.length()) {
                        char d = line.charAt(i);
                        if (d == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                            word.append('"');
                            i += 2;
                        } else if (d == '"') {
                            closed = true;
                            i++;
                            break;
                        } else {
                            word.append(d);
                            i++;
                        }
                    }
                    if (!closed) {
                        throw new KeepalivedSyntaxException(fileName, lineNumber, "unterminated quoted string");
                    }
                    tokens.add(new Token(word.toString(), lineNumber, true));
                } else {
                    int start = i;
                    while (i < line.length() && !Character.isWhitespace(line.charAt(i)) && "{}#!\"".indexOf(line.charAt(i)) < 0) {
                        i++;
                    }
                    tokens.add(new Token(line.substring(start, i), lineNumber, false));
                }
            }
            tokens.add(new Token(null, lineNumber, false));
        }
        return tokens;
    }

    /** A recursive reader of statements and blocks over the tokens. */
    private static final class Reader {
        private final List<Token> tokens;
        private final String fileName;
        private int next;

        Reader(List<Token> tokens, String fileName) {
            this.tokens = tokens;
            this.fileName = fileName;
        }

        private Token peekWord() {
            while (next < tokens.size() && tokens.get(next).text() == null) {
                next++;
            }
            return next < tokens.size() ? tokens.get(next) : null;
        }

        /** Statements up to the closing brace of a block opened on {@code openLine}, or to the end when 0. */
        List<Statement> block(int openLine) throws KeepalivedSyntaxException {
            List<Statement> statements = new ArrayList<>();
            while (true) {
                Token token = peekWord();
                if (token == null) {
                    if (openLine > 0) {
                        throw new KeepalivedSyntaxException(fileName, openLine,
                                "the block opened here is not closed: a '}' is missing");
                    }
                    return statements;
                }
                if (token.is("}")) {
                    if (openLine == 0) {
                        throw new KeepalivedSyntaxException(fileName, token.line(),
                                "'}' without a block to close: a '{' is missing or there is one '}' too many");
                    }
                    next++;
                    return statements;
                }
                if (token.is("{")) {
                    throw new KeepalivedSyntaxException(fileName, token.line(), "'{' without a keyword before it");
                }
                statements.add(statement());
            }
        }

        private Statement statement() throws KeepalivedSyntaxException {
            Token keyword = tokens.get(next++);
            List<String> args = new ArrayList<>();
            while (next < tokens.size()) {
                Token token = tokens.get(next);
                if (token.text() == null || token.is("{") || token.is("}")) {
                    break;
                }
                args.add(token.text());
                next++;
            }
            int save = next;
            Token after = peekWord();
            if (after != null && after.is("{")) {
                next++;
                List<Statement> block = block(after.line());
                return new Statement(keyword.text(), args, keyword.line(), true, block);
            }
            next = save;
            return new Statement(keyword.text(), args, keyword.line(), false, List.of());
        }
    }
}
