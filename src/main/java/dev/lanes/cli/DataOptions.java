package dev.lanes.cli;

import dev.lanes.data.CsvReader;
import dev.lanes.data.Dataset;
import dev.lanes.data.Datasets;
import dev.lanes.data.IdxReader;
import dev.lanes.data.MalformedDataException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Where the data comes from: the built-in digits, a CSV file, or an IDX image and label pair. */
final class DataOptions {

    /** The name of the built-in data set. */
    static final String DIGITS = "digits";

    enum Task { CLASSIFICATION, REGRESSION }

    @Option(names = "--data", paramLabel = "digits|FILE",
            description = "'digits' (the built-in 8×8 digits, 1797 rows, 10 classes), a CSV file "
                    + "(features, then the label; .gz accepted), or an IDX images file with --labels. "
                    + "Required, except for train, which defaults to digits.")
    String data;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "IDX labels file; makes --data an IDX images file (MNIST format, .gz accepted).")
    Path labels;

    @Option(names = "--task", paramLabel = "classification|regression", defaultValue = "classification",
            converter = TaskConverter.class,
            description = "What the CSV's target columns hold (default: ${DEFAULT-VALUE}).")
    Task task;

    @Option(names = "--targets", converter = Ranges.Positive.class, paramLabel = "N", defaultValue = "1",
            description = "Regression: the number of target columns at the end of each CSV row (default: ${DEFAULT-VALUE}).")
    int targets;

    @Option(names = "--delimiter", converter = Ranges.Delimiter.class, paramLabel = "CHAR", defaultValue = ",",
            description = "CSV field delimiter (default: '${DEFAULT-VALUE}').")
    char delimiter;

    /**
     * Loads the data.
     *
     * @param classNames the classes a model knows (labels outside them are errors), or null to
     *                   take the classes from the data
     * @throws CliException with {@link ExitCodes#BAD_INPUT} for unreadable or malformed data
     */
    Dataset load(List<String> classNames) {
        if (data == null) {
            throw new CliException(ExitCodes.USAGE, "Missing required option: '--data=digits|FILE'");
        }
        try {
            if (labels != null) {
                return IdxReader.read(Path.of(data), labels, classNames == null ? 0 : classNames.size());
            }
            if (data.equals(DIGITS)) {
                return Datasets.digits();
            }
            if (targets < 1) {
                throw new CliException(ExitCodes.USAGE, "--targets must be at least 1 but was " + targets);
            }
            CsvReader reader = task == Task.REGRESSION
                    ? CsvReader.regression().withTargetColumns(-targets, targets)
                    : CsvReader.classification();
            reader = reader.withDelimiter(delimiter);
            if (classNames != null && task == Task.CLASSIFICATION) {
                reader = reader.withClassNames(classNames);
            }
            return reader.read(Path.of(data));
        } catch (NoSuchFileException e) {
            throw CliException.badInput(e.getFile() + ": no such file", e);
        } catch (MalformedDataException e) {
            throw CliException.badInput(e.getMessage(), e);
        } catch (IOException e) {
            throw CliException.badInput(data + ": cannot be read: " + e, e);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(data + ": " + e.getMessage(), e);
        }
    }

    /** A short description of the source for logs. */
    String describe() {
        return labels != null ? data + " + " + labels : data;
    }

    static final class TaskConverter implements picocli.CommandLine.ITypeConverter<Task> {
        @Override
        public Task convert(String value) {
            try {
                return Task.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected classification or regression but got '" + value + "'");
            }
        }
    }
}
