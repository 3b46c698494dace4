package dev.lanes.cli;

import dev.lanes.data.Dataset;
import dev.lanes.nn.Evaluation;
import dev.lanes.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lanes eval}: loss, accuracy and confusion matrix of a model on a data set. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILURE, ExitCodes.HELP_USAGE,
            ExitCodes.HELP_BAD_INPUT},
        description = "Evaluate a model on a data set: loss, accuracy and the confusion matrix "
                + "(rows: true class, columns: predicted class); for regression, the loss (mse) and the "
                + "mean absolute error.")
final class EvalCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        ModelOptions.Loaded m = modelOptions.load(kernelOptions.kernels(cl));
        if (m.classifier() && dataOptions.task == DataOptions.Task.REGRESSION) {
            throw new CommandLine.ParameterException(cl, "the model " + m.file() + " is a classifier; drop --task regression");
        }
        if (!m.classifier() && !cl.getParseResult().hasMatchedOption("--task")) {
            dataOptions.task = DataOptions.Task.REGRESSION;
            if (!cl.getParseResult().hasMatchedOption("--targets")) {
                dataOptions.targets = m.stored().outputs();
            }
        }
        Dataset raw = dataOptions.load(m.classifier() ? m.stored().classNames() : null);
        m.checkShape(raw, dataOptions.describe());
        Dataset d = m.prepare(raw);
        Evaluation ev = Trainer.evaluate(m.network(), d);
        float[] out = m.network().predict(d.featureMatrix(), d.size());
        PrintWriter o = cl.getOut();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", m.file().toString());
        j.put("data", dataOptions.describe());
        j.put("rows", d.size());
        j.put("loss", ev.loss());
        if (m.classifier()) {
            int k = d.classes();
            int[][] confusion = new int[k][k];
            for (int i = 0; i < d.size(); i++) {
                confusion[d.label(i)][argmax(out, i * k, k)]++;
            }
            j.put("accuracy", ev.accuracy());
            j.put("classes", d.classNames());
            List<Object> rows = new ArrayList<>();
            for (int[] r : confusion) {
                List<Object> row = new ArrayList<>();
                for (int v : r) {
                    row.add(v);
                }
                rows.add(row);
            }
            j.put("confusion", rows);
            if (!json) {
                o.printf(Locale.ROOT, "%s on %s: %d rows, loss %.5f, accuracy %.2f%% (%d of %d)%n", m.file(),
                        dataOptions.describe(), d.size(), ev.loss(), 100 * ev.accuracy(), ev.correct(), ev.examples());
                printConfusion(o, d.classNames(), confusion);
            }
        } else {
            double mae = 0;
            float[] t = d.targetMatrix();
            for (int i = 0; i < out.length; i++) {
                mae += Math.abs(out[i] - t[i]);
            }
            mae /= Math.max(1, out.length);
            j.put("meanAbsoluteError", mae);
            if (!json) {
                o.printf(Locale.ROOT, "%s on %s: %d rows, %d targets, loss (mse) %.6g, mean absolute error %.6g%n",
                        m.file(), dataOptions.describe(), d.size(), d.outputs(), ev.loss(), mae);
            }
        }
        if (json) {
            o.println(Json.object(j));
        }
        o.flush();
        return ExitCodes.OK;
    }

    static int argmax(float[] v, int offset, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    private static void printConfusion(PrintWriter o, List<String> names, int[][] c) {
        int w = 5;
        for (String n : names) {
            w = Math.max(w, n.length() + 1);
        }
        for (int[] r : c) {
            for (int v : r) {
                w = Math.max(w, Integer.toString(v).length() + 1);
            }
        }
        o.println("confusion matrix (rows: true class, columns: predicted class):");
        StringBuilder h = new StringBuilder(String.format("%" + w + "s", ""));
        for (String n : names) {
            h.append(String.format("%" + w + "s", n));
        }
        o.println(h);
        for (int i = 0; i < c.length; i++) {
            StringBuilder sb = new StringBuilder(String.format("%" + w + "s", names.get(i)));
            for (int v : c[i]) {
                sb.append(String.format("%" + w + "d", v));
            }
            o.println(sb);
        }
    }
}
