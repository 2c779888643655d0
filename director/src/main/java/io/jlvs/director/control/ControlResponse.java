package io.jlvs.director.control;

/**
 * What jlvsadm prints and how it exits, as the daemon computed it.
 *
 * @param stdout   text for standard output, printed as is
 * @param stderr   text for standard error, printed as is
 * @param exitCode the exit status, 0..255
 */
public record ControlResponse(String stdout, String stderr, int exitCode) {
    /** Checks the texts and the status range. */
    public ControlResponse {
        if (stdout == null || stderr == null) {
            throw new IllegalArgumentException("stdout and stderr are required");
        }
        if (exitCode < 0 || exitCode > 255) {
            throw new IllegalArgumentException("exit code must be 0..255, was " + exitCode);
        }
    }

    /** Success with that output. */
    static ControlResponse ok(String stdout) {
        return new ControlResponse(stdout, "", 0);
    }

    /** A refusal: one message on stderr (a newline is added) and the status. */
    static ControlResponse error(String message, int exitCode) {
        return new ControlResponse("", message + "\n", exitCode);
    }
}
