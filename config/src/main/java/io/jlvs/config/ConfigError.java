package io.jlvs.config;

/**
 * One problem found in a configuration input, located by file, line and path.
 *
 * @param file    the file name as the operator gave it
 * @param line    1-based line number, or 0 when the problem has no line (unreadable file)
 * @param path    where in the document, such as {@code services[0].servers[2].weight};
 *                empty for the document as a whole
 * @param message what is wrong and what was expected
 *
 * <p>An error reads as one line: line breaks and other control characters that a quoted value
 * brings into {@code path} or {@code message} are kept as escapes (a line feed reads {@code \n}).
 */
public record ConfigError(String file, int line, String path, String message) {
    /** Checks the fields. */
    public ConfigError {
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, was " + line);
        }
        if (file == null || path == null || message == null) {
            throw new NullPointerException("file, path and message are required");
        }
        path = oneLine(path);
        message = oneLine(message);
    }

    /**
     * The form an operator reads: {@code services.yaml:14 services[0].servers[2].weight:
     * must be 0..65535, was -1}.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        if (!path.isEmpty()) {
            text.append(' ').append(path);
        }
        return text.append(": ").append(message).toString();
    }

    /** {@code text} with line breaks and other control characters written as escapes. */
    static String oneLine(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (control) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
