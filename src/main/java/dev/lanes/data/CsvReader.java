package dev.lanes.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a delimited text file (CSV) into a {@link Dataset}. Instances are immutable option sets;
 * the {@code with...} methods return modified copies.
 *
 * <p>Format: one row per line, fields separated by the delimiter (default {@code ','}); a field
 * may be enclosed in double quotes, with {@code ""} standing for a quote inside it (a quoted field
 * cannot span lines). Whitespace around fields is ignored, as are blank lines and a UTF-8 byte
 * order mark. Feature and regression-target fields must be finite decimal numbers
 * (e.g. {@code 3}, {@code -0.5}, {@code 1e-3}) that fit in a {@code float}. Files whose content
 * starts with the gzip magic number are decompressed, whatever their name.
 *
 * <p>Classification: the label column may hold integers or arbitrary strings. Class indices are
 * assigned, by default ({@link ClassOrder#SORTED}), in sorted label order, numerically when every
 * label is a number (so labels {@code 0..9} become classes {@code 0..9}, and {@code 10} sorts after
 * {@code 9}), otherwise by string; or, with {@link ClassOrder#FIRST_SEEN}, in order of first
 * appearance. With {@link #withClassNames} the class set is fixed and any other label is an
 * error. The label text (trimmed) is the class name.
 *
 * <p>Header: with {@link Header#AUTO} (the default) the first row is a header if one of its
 * feature fields (or, for regression, any field) is not a number.
 *
 * <p>Errors are {@link MalformedDataException}s located as {@code file:line:column}, where the line
 * is the physical 1-based line number and the column the 1-based field number. They quote at most
 * 80 characters of an offending field.
 *
 * <p>Limits: a row has at most {@value #MAX_COLUMNS} fields, and the values of the whole file at
 * most {@code 2^31 - 9} per array (features, targets). Storage grows with the values actually
 * read, never from a guess based on the first row, so memory stays proportional to the data: about
 * 4 bytes per value, plus the longest line while it is split.
 */
public final class CsvReader {

    /** What the target columns hold. */
    public enum Task {
        /** One label column of class names or integers; targets become one-hot. */
        CLASSIFICATION,
        /** One or more numeric target columns. */
        REGRESSION
    }

    /** Whether the first row is a header of column names. */
    public enum Header {
        /** A header if one of its feature fields (regression: any field) is not a number. */
        AUTO,
        /** The first row is always a header. */
        PRESENT,
        /** There is no header; the first row is data. */
        ABSENT
    }

    /** How class indices are assigned to labels when no class names are given. */
    public enum ClassOrder {
        /** Sorted: numerically if every label is a number, otherwise by string. */
        SORTED,
        /** In order of first appearance in the file. */
        FIRST_SEEN
    }

    /** The most fields a row may have. */
    public static final int MAX_COLUMNS = 1 << 20;

    private final Task task;
    private final int targetColumn;
    private final int targetCount;
    private final Header header;
    private final char delimiter;
    private final ClassOrder classOrder;
    private final List<String> classNames;
    private final int skipLines;

    private CsvReader(Task task, int targetColumn, int targetCount, Header header, char delimiter,
                      ClassOrder classOrder, List<String> classNames, int skipLines) {
        this.task = task;
        this.targetColumn = targetColumn;
        this.targetCount = targetCount;
        this.header = header;
        this.delimiter = delimiter;
        this.classOrder = classOrder;
        this.classNames = classNames;
        this.skipLines = skipLines;
    }

    /** Classification with the label in the last column, header auto-detected, comma-separated. */
    public static CsvReader classification() {
        return new CsvReader(Task.CLASSIFICATION, -1, 1, Header.AUTO, ',', ClassOrder.SORTED, null, 0);
    }

    /** Regression with one target in the last column, header auto-detected, comma-separated. */
    public static CsvReader regression() {
        return new CsvReader(Task.REGRESSION, -1, 1, Header.AUTO, ',', ClassOrder.SORTED, null, 0);
    }

    /**
     * The label (or single regression target) column: 0-based, or negative to count from the end
     * ({@code -1} is the last column).
     */
    public CsvReader withLabelColumn(int column) {
        return new CsvReader(task, column, 1, header, delimiter, classOrder, classNames, skipLines);
    }

    /**
     * Regression with {@code count} consecutive target columns starting at {@code firstColumn}
     * (0-based, or negative to count from the end: {@code withTargetColumns(-2, 2)} takes the last
     * two columns). All other columns are features.
     */
    public CsvReader withTargetColumns(int firstColumn, int count) {
        if (task != Task.REGRESSION) {
            throw new IllegalStateException("several target columns are for regression; "
                    + "classification has one label column");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (firstColumn < 0 && firstColumn + count > 0) {
            throw new IllegalArgumentException("columns " + firstColumn + " .. " + (firstColumn + count - 1)
                    + " run past the last column");
        }
        return new CsvReader(task, firstColumn, count, header, delimiter, classOrder, classNames, skipLines);
    }

    /** Header handling; {@link Header#AUTO} by default. */
    public CsvReader withHeader(Header h) {
        return new CsvReader(task, targetColumn, targetCount, Objects.requireNonNull(h, "header"),
                delimiter, classOrder, classNames, skipLines);
    }

    /** The field delimiter, {@code ','} by default; not a quote, CR or LF. */
    public CsvReader withDelimiter(char d) {
        if (d == '"' || d == '\n' || d == '\r') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
        }
        return new CsvReader(task, targetColumn, targetCount, header, d, classOrder, classNames, skipLines);
    }

    /** How class indices are assigned; {@link ClassOrder#SORTED} by default. */
    public CsvReader withClassOrder(ClassOrder order) {
        return new CsvReader(task, targetColumn, targetCount, header, delimiter,
                Objects.requireNonNull(order, "order"), classNames, skipLines);
    }

    /**
     * Fixes the classes: label {@code names.get(k)} is class {@code k}; any other label in the
     * file is an error. Classification only.
     */
    public CsvReader withClassNames(List<String> names) {
        if (task != Task.CLASSIFICATION) {
            throw new IllegalStateException("class names are for classification");
        }
        List<String> copy = List.copyOf(names);
        if (copy.isEmpty() || copy.size() != copy.stream().distinct().count()) {
            throw new IllegalArgumentException("class names must be non-empty and distinct: " + copy);
        }
        return new CsvReader(task, targetColumn, targetCount, header, delimiter, classOrder, copy, skipLines);
    }

    /** Ignores the first {@code lines} physical lines (before any header), e.g. a comment line. */
    public CsvReader withSkipLines(int lines) {
        if (lines < 0) {
            throw new IllegalArgumentException("lines must be non-negative, got " + lines);
        }
        return new CsvReader(task, targetColumn, targetCount, header, delimiter, classOrder, classNames, lines);
    }

    /**
     * Reads {@code file} (gzip-compressed or not). The dataset is named after the file, without
     * the {@code .gz} and {@code .csv} extensions.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws MalformedDataException            if the content is not valid, with file, line and column
     */
    public Dataset read(Path file) throws IOException {
        try (InputStream in = Sources.open(file)) {
            return parse(in, file.getFileName().toString());
        }
    }

    /**
     * Reads from {@code in} (gzip-compressed or not), which is not closed. {@code source} names
     * the data in error messages and, without extensions, is the dataset's name.
     */
    public Dataset read(InputStream in, String source) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(source, "source");
        return parse(Sources.decode(in, source), source);
    }

    private Dataset parse(InputStream in, String source) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        Fields fields = new Fields();
        long lineNo = 0;
        for (int k = 0; k < skipLines; k++) {
            if (reader.readLine() == null) {
                throw new MalformedDataException(source, 0, 0, "empty file (ended within the "
                        + skipLines + " lines to skip)");
            }
            lineNo++;
        }

        // First non-blank row: fixes the column count; may be a header.
        String line;
        do {
            line = reader.readLine();
            lineNo++;
            if (line == null) {
                throw new MalformedDataException(source, 0, 0, "empty file");
            }
            if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
        } while (line.isBlank());
        split(line, source, lineNo, fields);
        long firstRowLine = lineNo;
        int columns = fields.size();
        int first = targetColumn < 0 ? targetColumn + columns : targetColumn;
        if (first < 0 || first + targetCount > columns) {
            throw new MalformedDataException(source, lineNo, 0, (task == Task.CLASSIFICATION ? "label" : "target")
                    + " column " + targetColumn + (targetCount > 1 ? " (+" + (targetCount - 1) + ")" : "")
                    + " does not exist: the first row has " + columns + " columns");
        }
        int features = columns - targetCount;
        if (features < 1) {
            throw new MalformedDataException(source, lineNo, 0, "no feature columns: the first row has "
                    + columns + " columns, all of them targets");
        }
        boolean isHeader = switch (header) {
            case PRESENT -> true;
            case ABSENT -> false;
            case AUTO -> looksLikeHeader(fields, first);
        };

        Rows rows = new Rows(features, task == Task.REGRESSION ? targetCount : 0);
        Map<String, Integer> classIndex = new HashMap<>();
        List<String> seen = new ArrayList<>();
        if (classNames != null) {
            for (int c = 0; c < classNames.size(); c++) {
                classIndex.put(classNames.get(c), c);
            }
        }
        long headerLine = isHeader ? lineNo : 0;
        if (!isHeader) {
            addRow(fields, first, columns, source, lineNo, rows, classIndex, seen);
        }
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            split(line, source, lineNo, fields);
            if (fields.size() != columns) {
                throw new MalformedDataException(source, lineNo, 0, "expected " + columns
                        + " fields (as on line " + firstRowLine + "), found " + fields.size());
            }
            addRow(fields, first, columns, source, lineNo, rows, classIndex, seen);
        }
        if (rows.count == 0) {
            throw new MalformedDataException(source, 0, 0, "no data rows after the header on line " + headerLine);
        }

        String name = Sources.baseName(source);
        if (name.endsWith(".csv")) {
            name = name.substring(0, name.length() - 4);
        }
        if (name.isBlank()) {
            name = "csv";
        }
        float[] x = Arrays.copyOf(rows.x, rows.count * features);
        if (task == Task.REGRESSION) {
            return Dataset.ofTargetsOwned(name, x, features, Arrays.copyOf(rows.y, rows.count * targetCount),
                    targetCount);
        }
        int[] labels = Arrays.copyOf(rows.labels, rows.count);
        List<String> names;
        if (classNames != null) {
            names = classNames;
        } else if (classOrder == ClassOrder.FIRST_SEEN) {
            names = seen;
        } else {
            names = sortedRemap(seen, labels);
        }
        return Dataset.ofClassesOwned(name, x, features, labels, names.size(), names);
    }

    private boolean looksLikeHeader(Fields fields, int first) {
        for (int c = 0; c < fields.size(); c++) {
            boolean isTarget = c >= first && c < first + targetCount;
            if (task == Task.CLASSIFICATION && isTarget) {
                continue;
            }
            if (!isNumber(fields.get(c))) {
                return true;
            }
        }
        return false;
    }

    private void addRow(Fields fields, int first, int columns, String source, long lineNo, Rows rows,
                        Map<String, Integer> classIndex, List<String> seen) throws MalformedDataException {
        rows.startRow(source, lineNo);
        for (int c = 0; c < columns; c++) {
            if (c >= first && c < first + targetCount) {
                if (task == Task.REGRESSION) {
                    rows.addTarget(number(fields, c, source, lineNo), source, lineNo);
                } else {
                    String f = fields.get(c);
                    if (f.isEmpty()) {
                        throw new MalformedDataException(source, lineNo, c + 1, "empty label");
                    }
                    Integer k = classIndex.get(f);
                    if (k == null) {
                        if (classNames != null) {
                            throw new MalformedDataException(source, lineNo, c + 1, "unknown label '" + excerpt(f)
                                    + "'; the classes are " + excerpt(classNames.toString()));
                        }
                        k = seen.size();
                        seen.add(f);
                        classIndex.put(f, k);
                    }
                    rows.setLabel(k);
                }
            } else {
                rows.addFeature(number(fields, c, source, lineNo), source, lineNo);
            }
        }
        rows.endRow();
    }

    /** Sorts the first-seen names and rewrites {@code labels} to the sorted indices. */
    private static List<String> sortedRemap(List<String> seen, int[] labels) {
        boolean numeric = seen.stream().allMatch(CsvReader::isNumber);
        Comparator<String> order = numeric
                ? Comparator.<String>comparingDouble(Double::parseDouble).thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder();
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(order);
        Map<String, Integer> rank = new HashMap<>();
        for (int k = 0; k < sorted.size(); k++) {
            rank.put(sorted.get(k), k);
        }
        int[] remap = new int[seen.size()];
        for (int k = 0; k < remap.length; k++) {
            remap[k] = rank.get(seen.get(k));
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = remap[labels[i]];
        }
        return sorted;
    }

    /** Splits one line into trimmed, unquoted fields. */
    private void split(String line, String source, long lineNo, Fields out) throws MalformedDataException {
        out.reset(line);
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            int fieldNo = out.size() + 1;
            if (fieldNo > MAX_COLUMNS) {
                throw new MalformedDataException(source, lineNo, 0, "more than " + MAX_COLUMNS
                        + " fields in one row");
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new MalformedDataException(source, lineNo, fieldNo, "unterminated quoted field");
                    }
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            sb.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(ch);
                    }
                }
                while (i < n && isBlank(line.charAt(i))) {
                    i++;
                }
                if (i < n && line.charAt(i) != delimiter) {
                    throw new MalformedDataException(source, lineNo, fieldNo,
                            "unexpected '" + line.charAt(i) + "' after a closing quote");
                }
                out.addQuoted(sb.toString().strip());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != delimiter) {
                    i++;
                }
                int end = i;
                while (end > start && isBlank(line.charAt(end - 1))) {
                    end--;
                }
                out.addRange(start, end);
            }
            if (i >= n) {
                return;
            }
            i++;  // the delimiter
        }
    }

    private boolean isBlank(char ch) {
        return ch != delimiter && (ch == ' ' || ch == '\t');
    }

    /** Whether {@code s} is a plain finite decimal number (the syntax {@link #parseFloat} accepts). */
    static boolean isNumber(String s) {
        if (!plainDecimal(s)) {
            return false;
        }
        double v = Double.parseDouble(s);
        return Double.isFinite(v);
    }

    // Double.parseDouble alone would also accept "1f", "0x1p3", "Infinity" and surrounding blanks.
    private static boolean plainDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == n;
    }

    /**
     * Field {@code c} as a float. Short unsigned or negative integers, by far the most common
     * fields in image data, are converted directly; anything else goes through the checked
     * general path.
     */
    private static float number(Fields fields, int c, String source, long line) throws MalformedDataException {
        if (fields.quoted[c] == null) {
            String text = fields.line;
            int i = fields.start[c];
            int end = fields.end[c];
            boolean negative = i < end && text.charAt(i) == '-';
            if (negative) {
                i++;
            }
            // At most 7 digits: exact in a float, and no overflow.
            if (i < end && end - i <= 7) {
                int v = 0;
                for (; i < end; i++) {
                    char ch = text.charAt(i);
                    if (ch < '0' || ch > '9') {
                        break;
                    }
                    v = 10 * v + (ch - '0');
                }
                if (i == end) {
                    return negative ? -v : v;
                }
            }
        }
        return parseFloat(fields.get(c), source, line, c + 1);
    }

    private static float parseFloat(String s, String source, long line, int column) throws MalformedDataException {
        if (s.isEmpty()) {
            throw new MalformedDataException(source, line, column, "empty field, expected a number");
        }
        if (!plainDecimal(s)) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.matches("[+-]?(nan|inf|infinity)")) {
                throw new MalformedDataException(source, line, column, "not a finite number: '" + excerpt(s)
                        + "' (NaN and infinities are not allowed)");
            }
            throw new MalformedDataException(source, line, column, "not a number: '" + excerpt(s) + "'");
        }
        float v = (float) Double.parseDouble(s);
        if (!Float.isFinite(v)) {
            throw new MalformedDataException(source, line, column, "number out of float range: '" + excerpt(s) + "'");
        }
        return v;
    }

    /**
     * At most the first 80 characters of a field, marked when cut, for error messages: a field
     * may be megabytes long.
     */
    static String excerpt(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** The fields of one line: ranges into the line, or the unescaped text of quoted fields. */
    private static final class Fields {
        String line;
        int count;
        int[] start = new int[16];
        int[] end = new int[16];
        String[] quoted = new String[16];

        void reset(String newLine) {
            line = newLine;
            Arrays.fill(quoted, 0, count, null);
            count = 0;
        }

        private void grow() {
            if (count == start.length) {
                start = Arrays.copyOf(start, 2 * count);
                end = Arrays.copyOf(end, 2 * count);
                quoted = Arrays.copyOf(quoted, 2 * count);
            }
        }

        void addRange(int from, int to) {
            grow();
            start[count] = from;
            end[count] = to;
            count++;
        }

        void addQuoted(String text) {
            grow();
            quoted[count] = text;
            count++;
        }

        int size() {
            return count;
        }

        String get(int c) {
            return quoted[c] != null ? quoted[c] : line.substring(start[c], end[c]);
        }
    }

    /**
     * Growable row storage, so the file is read once without knowing its length. Every buffer
     * grows with the values actually read (never by a guess from the first row's width), so a
     * short file cannot make it allocate much more than its own size.
     */
    private static final class Rows {
        /** The most elements one Java array can hold on common JVMs. */
        private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

        final int features;
        final int targets;
        float[] x = new float[64];
        float[] y = new float[16];
        int[] labels = new int[16];
        int count;
        private int xFill;
        private int yFill;

        Rows(int features, int targets) {
            this.features = features;
            this.targets = targets;
        }

        /**
         * The next length of a buffer, refused when one array cannot hold it, or when the buffers
         * and the grown copy would take more than half the heap the JVM may grow to: the values
         * are copied once more into the data set when the file ends, so more would run out of
         * memory there instead, without a message (the caller reports the file and line).
         */
        private int grown(int length, String source, long line) throws MalformedDataException {
            if (length >= MAX_ARRAY) {
                throw new MalformedDataException(source, line, 0, "too many values: the data would need more than "
                        + MAX_ARRAY + " elements in one array");
            }
            int next = (int) Math.min(MAX_ARRAY, 2L * length);
            long bytes = 4L * ((long) x.length + y.length + labels.length + next);
            long heap = Runtime.getRuntime().maxMemory();
            if (bytes > heap / 2) {
                throw new MalformedDataException(source, line, 0, "the data does not fit in memory: after " + count
                        + " rows, reading on needs " + bytes + " bytes, more than half the heap of " + heap
                        + " bytes (the values are copied once more when read); raise it with -Xmx, for the lanes "
                        + "command LANES_JAVA_OPTS=-Xmx8g");
            }
            return next;
        }

        void startRow(String source, long line) throws MalformedDataException {
            if (count == labels.length) {
                labels = Arrays.copyOf(labels, grown(labels.length, source, line));
            }
        }

        void addFeature(float v, String source, long line) throws MalformedDataException {
            if (xFill == x.length) {
                x = Arrays.copyOf(x, grown(x.length, source, line));
            }
            x[xFill++] = v;
        }

        void addTarget(float v, String source, long line) throws MalformedDataException {
            if (yFill == y.length) {
                y = Arrays.copyOf(y, grown(y.length, source, line));
            }
            y[yFill++] = v;
        }

        void setLabel(int k) {
            labels[count] = k;
        }

        void endRow() {
            count++;
        }
    }
}
