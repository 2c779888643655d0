package io.jlvs.director.importer;

/** A keepalived.conf that cannot be read: unbalanced braces, a bad value. The message names file and line. */
public final class KeepalivedSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    /** {@code keepalived.conf:12: message}. */
    public KeepalivedSyntaxException(String fileName, int line, String message) {
        super(fileName + ":" + line + ": " + message);
    }
}
