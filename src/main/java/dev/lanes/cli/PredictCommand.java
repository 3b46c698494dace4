package dev.lanes.cli;

import dev.lanes.data.MalformedDataException;
import dev.lanes.io.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** {@code lanes predict}: runs a model over the rows of a CSV file of features. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILURE, ExitCodes.HELP_USAGE,
            ExitCodes.HELP_BAD_INPUT},
        description = {"Run a model over feature rows: a CSV file whose rows hold exactly the model's input "
                + "features (no label column; a header row is allowed), or an IDX images file; .gz accepted.",
            "Writes CSV (or JSON with --format json): for a classifier the predicted class and one probability "
                + "(or output) per class, for regression one value per output, every number at full float "
                + "precision (the shortest decimal that reads back as the same float). To stdout unless --out is given."})
final class PredictCommand implements Callable<Integer> {

    // A plain decimal number; Float.parseFloat alone would also take "NaN", "Infinity", hex and a trailing 'f'.
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "CSV file of feature rows, an IDX images file (as train reads it; no labels needed), "
                    + "or - for CSV on standard input.")
    Path data;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv",
            converter = Choices.FormatConverter.class, completionCandidates = Choices.Formats.class,
            description = "Output format: ${COMPLETION-CANDIDATES} (default: csv).")
    Choices.Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the predictions here (atomically) instead of stdout.")
    Path out;

    @Option(names = "--delimiter", converter = Ranges.Delimiter.class, paramLabel = "CHAR", defaultValue = ",",
            description = "Field delimiter of the input (default: '${DEFAULT-VALUE}').")
    char delimiter;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (out != null) {
            Main.requireWritableFile(cl, "--out", out, data, modelOptions.model);
        }
        ModelOptions.Loaded m = modelOptions.load(kernelOptions.kernels(cl));
        StartupWarmup.Handle warm = StartupWarmup.forward(m.network(), false);
        int f = m.stored().inputs();
        float[] x;
        if (!data.toString().equals("-") && IdxFiles.isIdx(data)) {
            x = readIdx(data, f, m.file());
        } else {
            x = read(data, f, delimiter, m.file());
        }
        int rows = x.length / f;
        StartupWarmup.beforePass(warm, m.network(), rows);
        int k = m.stored().outputs();
        float[] y;
        try {
            y = m.model().predict(x, rows);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(data + ": " + e.getMessage() + " (with the model's preprocessing "
                    + m.model().metadata().get(dev.lanes.io.Model.PREPROCESSING_KEY) + ")", e);
        }
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf);
        List<String> names = m.stored().classNames();
        if (format == Choices.Format.JSON) {
            writeJson(w, m, names, y, rows, k);
        } else {
            writeCsv(w, m, names, y, rows, k);
        }
        w.flush();
        if (out != null) {
            byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(out, bytes);
            cl.getErr().printf("predict: %d rows → %s%n", rows, out);
        } else {
            cl.getOut().print(buf);
        }
        cl.getOut().flush();
        return ExitCodes.OK;
    }

    private static void writeCsv(PrintWriter w, ModelOptions.Loaded m, List<String> names, float[] y, int rows, int k) {
        StringBuilder header = new StringBuilder(m.classifier() ? "class" : "");
        for (int j = 0; j < k; j++) {
            if (header.length() > 0) {
                header.append(',');
            }
            header.append(m.classifier() ? "p_" + csv(names.get(j)) : "y" + j);
        }
        w.println(header);
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            line.setLength(0);
            if (m.classifier()) {
                line.append(csv(names.get(dev.lanes.io.Model.argMax(y, r * k, k))));
            }
            for (int j = 0; j < k; j++) {
                if (line.length() > 0) {
                    line.append(',');
                }
                line.append(y[r * k + j]);
            }
            w.println(line);
        }
    }

    /** One object per row, one row per line, inside a JSON array. */
    private static void writeJson(PrintWriter w, ModelOptions.Loaded m, List<String> names, float[] y, int rows, int k) {
        w.println("[");
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            line.setLength(0);
            line.append('{');
            if (m.classifier()) {
                line.append("\"class\":").append(Json.quote(names.get(dev.lanes.io.Model.argMax(y, r * k, k))));
                line.append(",\"probabilities\":[");
            } else {
                line.append("\"outputs\":[");
            }
            for (int j = 0; j < k; j++) {
                line.append(j == 0 ? "" : ",").append(y[r * k + j]);
            }
            line.append("]}").append(r + 1 < rows ? "," : "");
            w.println(line);
        }
        w.println("]");
    }

    /** The images of an IDX file as rows of features, checked against the model's input width. */
    private static float[] readIdx(Path file, int features, Path model) {
        try {
            dev.lanes.data.IdxReader.Images im = dev.lanes.data.IdxReader.readImages(file);
            if (im.features() != features) {
                throw CliException.badInput("shape mismatch: " + file + " holds " + im.rows() + " × " + im.cols()
                        + " = " + im.features() + " pixels per image but the model " + model + " takes "
                        + features + " features");
            }
            return im.pixels();
        } catch (MalformedDataException e) {
            throw CliException.badInput(e.getMessage(), e);
        } catch (IOException e) {
            throw CliException.badInput(file + ": cannot be read: " + e, e);
        }
    }

    private static String csv(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /**
     * Reads rows of exactly {@code features} numbers. The first row is taken as a header when one
     * of its fields is not a number. Errors name file:line:column.
     */
    static float[] read(Path file, int features, char delimiter, Path model) {
        boolean stdin = file.toString().equals("-");
        String name = stdin ? "<stdin>" : file.toString();
        try (var raw = stdin ? nonClosing(System.in) : Files.newInputStream(file);
             var buffered = new java.io.BufferedInputStream(raw)) {
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            var in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered) : buffered;
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            FloatList values = new FloatList();
            String line;
            long lineNo = 0;
            boolean first = true;
            String split = Pattern.quote(String.valueOf(delimiter));
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(split, -1);
                if (first) {
                    first = false;
                    boolean header = false;
                    for (String s : fields) {
                        header |= !NUMBER.matcher(s.trim()).matches() && !isNonFinite(s.trim());
                    }
                    if (header) {
                        if (fields.length != features) {
                            throw new MalformedDataException(name, lineNo, 0, "the header has " + fields.length
                                    + " columns but the model " + model + " takes " + features + " features");
                        }
                        continue;
                    }
                }
                if (fields.length != features) {
                    throw new MalformedDataException(name, lineNo, 0, "shape mismatch: the row has " + fields.length
                            + " fields but the model " + model + " takes " + features + " features");
                }
                for (int j = 0; j < fields.length; j++) {
                    String s = fields[j].trim();
                    if (isNonFinite(s)) {
                        throw new MalformedDataException(name, lineNo, j + 1, "not a finite number: '" + excerpt(s) + "'");
                    }
                    if (!NUMBER.matcher(s).matches()) {
                        throw new MalformedDataException(name, lineNo, j + 1, "not a number: '" + excerpt(s) + "'");
                    }
                    float v = Float.parseFloat(s);
                    if (!Float.isFinite(v)) {
                        throw new MalformedDataException(name, lineNo, j + 1, "'" + excerpt(s) + "' overflows a float");
                    }
                    values.add(v, name, lineNo);
                }
            }
            if (values.size == 0) {
                throw new MalformedDataException(name, 0, 0, "no data rows");
            }
            return values.toArray();
        } catch (NoSuchFileException e) {
            throw CliException.badInput(name + ": no such file", e);
        } catch (MalformedDataException e) {
            throw CliException.badInput(e.getMessage(), e);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            // The same words as the data readers use for train and eval.
            throw CliException.badInput(name + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw CliException.badInput(name + ": cannot be read: " + e, e);
        }
    }

    private static String excerpt(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static java.io.InputStream nonClosing(java.io.InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // standard input belongs to the process
            }
        };
    }

    private static boolean isNonFinite(String s) {
        String t = s.toLowerCase(Locale.ROOT).replace("+", "").replace("-", "");
        return t.equals("nan") || t.equals("inf") || t.equals("infinity");
    }

    /** Growable float storage, so the file is read once. */
    private static final class FloatList {
        float[] a = new float[1024];
        int size;

        /**
         * Appends; refuses (naming the input and line) to grow past one array, or past half the
         * heap with the grown copy: the values are copied again when the file ends, and the
         * predictions take memory too.
         */
        void add(float v, String source, long line) throws MalformedDataException {
            if (size == a.length) {
                long next = 2L * a.length;
                long heap = Runtime.getRuntime().maxMemory();
                if (next > Integer.MAX_VALUE - 8 || 4 * (a.length + next) > heap / 2) {
                    throw new MalformedDataException(source, line, 0, "the input does not fit in memory: after "
                            + size + " values, reading on needs " + 4 * (a.length + next) + " bytes, more than "
                            + "half the heap of " + heap + " bytes; raise it with LANES_JAVA_OPTS=-Xmx8g, or "
                            + "predict the file in parts");
                }
                a = java.util.Arrays.copyOf(a, (int) next);
            }
            a[size++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
