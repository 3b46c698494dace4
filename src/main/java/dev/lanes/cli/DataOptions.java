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

    @Option(names = "--label-column", paramLabel = "NAME|INDEX",
            description = "CSV: the column holding the label (classification) or the target (regression, one "
                    + "target): its header name, or its 0-based index, negative counting from the end "
                    + "(default: the last column, -1).")
    String labelColumn;

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
        return load(data, labels, classNames, "--data", "--labels");
    }

    /**
     * Loads {@code source} (digits, CSV or, with {@code idxLabels}, IDX) with these options' CSV
     * settings; the option names are used in hints.
     */
    Dataset load(String source, Path idxLabels, List<String> classNames, String dataOption, String labelsOption) {
        try {
            if (idxLabels != null) {
                return IdxReader.read(Path.of(source), idxLabels, classNames == null ? 0 : classNames.size());
            }
            if (source.equals(DIGITS)) {
                return Datasets.digits();
            }
            if (IdxFiles.isIdx(Path.of(source))) {
                throw CliException.badInput(source + ": this is an IDX file (" + IdxFiles.describe(Path.of(source))
                        + "); give its labels file with " + labelsOption + " FILE, e.g. " + dataOption + " "
                        + source + " " + labelsOption + " " + IdxFiles.guessLabels(source));
            }
            if (targets < 1) {
                throw new CliException(ExitCodes.USAGE, "--targets must be at least 1 but was " + targets);
            }
            int column = labelColumn == null ? -1 : columnIndex(Path.of(source), labelColumn);
            if (task == Task.REGRESSION && labelColumn != null && targets != 1) {
                throw new CliException(ExitCodes.USAGE, "--label-column names one target column; with --targets "
                        + targets + " the targets are the last " + targets + " columns");
            }
            CsvReader reader = task == Task.REGRESSION
                    ? (labelColumn != null ? CsvReader.regression().withLabelColumn(column)
                            : CsvReader.regression().withTargetColumns(-targets, targets))
                    : CsvReader.classification().withLabelColumn(column);
            reader = reader.withDelimiter(delimiter);
            if (classNames != null && task == Task.CLASSIFICATION) {
                reader = reader.withClassNames(classNames);
            }
            return reader.read(Path.of(source));
        } catch (NoSuchFileException e) {
            throw CliException.badInput(e.getFile() + ": no such file", e);
        } catch (MalformedDataException e) {
            throw CliException.badInput(e.getMessage(), e);
        } catch (IOException e) {
            throw CliException.badInput(source + ": cannot be read: " + e, e);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(source + ": " + e.getMessage(), e);
        }
    }

    /** The 0-based index of {@code --label-column}: an integer as it is, a name looked up in the header. */
    private int columnIndex(Path file, String spec) throws IOException {
        String t = spec.trim();
        if (t.matches("[+-]?\\d+")) {
            return Integer.parseInt(t);
        }
        String header = IdxFiles.firstLine(file);
        if (header == null) {
            throw CliException.badInput(file + ": empty file, so it has no column named '" + t + "'");
        }
        String[] names = header.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
        for (int j = 0; j < names.length; j++) {
            String n = names[j].trim();
            if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
                n = n.substring(1, n.length() - 1);
            }
            if (n.equals(t)) {
                return j;
            }
        }
        throw CliException.badInput(file + ": --label-column " + t + ": the header has no such column; it has "
                + String.join(", ", names));
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
