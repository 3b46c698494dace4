package dev.lanes.data;

import java.io.IOException;
import java.io.Serial;

/**
 * A data file whose content is not what its format requires: a bad number, a wrong column count, a
 * NaN, a bad magic number, a truncated file... The message starts with the location in the
 * compiler style {@code source:line:column: }, e.g. {@code data.csv:17:4: not a number: 'abc'},
 * leaving out the parts that do not apply.
 *
 * <p>It is an {@link IOException} because it is one more way reading a file can fail: callers that
 * handle I/O errors already handle it, and those that care can catch it separately.
 */
public final class MalformedDataException extends IOException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final int column;
    private final String problem;

    /**
     * @param source  the file name (or other source description)
     * @param line    1-based line number, or 0 when not applicable
     * @param column  1-based column (field) number, or 0 when not applicable
     * @param problem what is wrong, without the location
     */
    public MalformedDataException(String source, long line, int column, String problem) {
        this(source, line, column, problem, null);
    }

    /** As {@link #MalformedDataException(String, long, int, String)}, with an underlying cause. */
    public MalformedDataException(String source, long line, int column, String problem, Throwable cause) {
        super(format(source, line, column, problem), cause);
        this.source = source;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    private static String format(String source, long line, int column, String problem) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        return sb.append(": ").append(problem).toString();
    }

    /** The file name or source description. */
    public String source() {
        return source;
    }

    /** The 1-based line number, or 0 when not applicable (e.g. binary files). */
    public long line() {
        return line;
    }

    /** The 1-based column (field) number, or 0 when not applicable. */
    public int column() {
        return column;
    }

    /** The problem, without the location prefix. */
    public String problem() {
        return problem;
    }
}
