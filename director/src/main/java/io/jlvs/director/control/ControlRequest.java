package io.jlvs.director.control;

import java.util.List;

/**
 * One jlvsadm invocation as sent to the daemon: the argument vector (without the program
 * name) and, for {@code -R}, the text read from standard input.
 *
 * @param argv  the arguments, as ipvsadm would get them
 * @param stdin standard input for {@code -R}, else empty
 */
public record ControlRequest(List<String> argv, String stdin) {
    /** Copies the list. */
    public ControlRequest {
        argv = List.copyOf(argv);
        if (stdin == null) {
            throw new IllegalArgumentException("stdin is required (empty when none)");
        }
    }
}
