package io.jlvs.config;

import io.jlvs.core.text.OneLine;

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
        path = OneLine.of(path);
        message = OneLine.of(message);
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
}
