package dev.lanes.cli;

/**
 * A failure the user should read as one line, with the exit code it maps to. Thrown by commands
 * for conditions that are not bugs: bad input data or model files, a failed check.
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad input data or model file: exit code {@value ExitCodes#BAD_INPUT}. */
    static CliException badInput(String message) {
        return new CliException(ExitCodes.BAD_INPUT, message);
    }

    static CliException badInput(String message, Throwable cause) {
        return new CliException(ExitCodes.BAD_INPUT, message, cause);
    }

    int exitCode() {
        return exitCode;
    }
}
