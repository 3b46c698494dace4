package dev.lanes.cli;

/** The exit codes of the {@code lanes} command. */
public final class ExitCodes {
    private ExitCodes() {
    }

    /** Success. */
    public static final int OK = 0;
    /** The command ran but failed: a check above its threshold, an I/O error, an internal error. */
    public static final int FAILURE = 1;
    /** Bad usage: unknown command or option, a malformed or out-of-range option value. */
    public static final int USAGE = 2;
    /** Bad input: a data file or model file that cannot be used (the message names it and why). */
    public static final int BAD_INPUT = 3;

    // The --help text of every command lists the codes from these lines.
    static final String HEADING = "%nExit codes:%n";
    static final String HELP_OK = "0:success";
    static final String HELP_FAILURE = "1:failure (a check above its threshold, training diverged, an I/O or internal error)";
    static final String HELP_USAGE = "2:usage error (unknown option, malformed or out-of-range value)";
    static final String HELP_BAD_INPUT = "3:bad input data or model file (the message names the file and the problem)";
}
