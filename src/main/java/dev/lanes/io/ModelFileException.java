package dev.lanes.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or checkpoint file that cannot be used: missing, truncated, corrupted, of an unsupported
 * version, not a Lanes file at all, or inconsistent. The message names the file and the problem.
 */
public final class ModelFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /**
     * @param file    the file that could not be read or written
     * @param problem what is wrong with it, in words for the person who gave the file name
     */
    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    /**
     * @param file    the file that could not be read or written
     * @param problem what is wrong with it
     * @param cause   the underlying I/O error
     */
    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file concerned. */
    public Path file() {
        return file;
    }

    /** The problem without the file name. */
    public String problem() {
        return problem;
    }
}
