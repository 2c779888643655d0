package io.jlvs.director.adm;

/**
 * The outcome of parsing one ipvsadm command line: the command, or the message ipvsadm
 * prints on stderr and its exit status.
 */
public sealed interface AdmResult permits AdmResult.Parsed, AdmResult.Failed {
    /** ipvsadm's status for a rejected option or value ({@code fail(2, ...)}). */
    int EXIT_BAD_OPTION = 2;
    /** ipvsadm's status after "Try `ipvsadm -h'..." or an option-syntax error ({@code exit(-1)}). */
    int EXIT_TRY_HELP = 255;

    /**
     * A command.
     *
     * @param command the parsed command
     */
    record Parsed(AdmCommand command) implements AdmResult {
    }

    /**
     * A refusal.
     *
     * @param message  the text ipvsadm prints on stderr, without the final newline
     * @param exitCode the exit status
     */
    record Failed(String message, int exitCode) implements AdmResult {
    }
}
