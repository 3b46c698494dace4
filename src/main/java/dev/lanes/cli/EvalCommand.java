package dev.lanes.cli;

import dev.lanes.data.Dataset;
import dev.lanes.metrics.ClassificationMetrics;
import dev.lanes.metrics.RegressionMetrics;
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
        description = {"Evaluate a model on a data set. For a classifier: loss, accuracy, top-k accuracy, log loss, "
                + "per-class precision, recall, F1 and support with macro and weighted averages, and the confusion "
                + "matrix (rows: true class, columns: predicted class). For regression: loss (mse), MAE, RMSE and R².",
            "--json prints the same as one JSON object; --confusion-png writes the confusion matrix as a picture."})
final class EvalCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--confusion-png", paramLabel = "FILE.png",
            description = "Classifier: also write the confusion matrix as a PNG heat map (atomically).")
    java.nio.file.Path confusionPng;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "5",
            description = "Classifier: report top-K accuracy, the fraction whose true class is among the K "
                    + "highest outputs (default: ${DEFAULT-VALUE}; capped at the number of classes).")
    int topK;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (confusionPng != null) {
            Main.requireWritableFile(cl, "--confusion-png", confusionPng, modelOptions.model,
                    Main.pathOrNull(dataOptions.data), dataOptions.labels);
        }
        ModelOptions.Loaded m = modelOptions.load(kernelOptions.kernels(cl));
        StartupWarmup.Handle warm = StartupWarmup.forward(m.network(), true);
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
        StartupWarmup.beforePass(warm, m.network(), d.size());
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
            int top = Math.min(topK, k);
            ClassificationMetrics cm = ClassificationMetrics.ofScores(d.labels(), out, k);
            boolean probabilities = m.network().spec().outputLayer().activation() == dev.lanes.nn.Activation.SOFTMAX;
            long[][] confusion = cm.confusionMatrix();
            j.put("accuracy", cm.accuracy());
            j.put("top" + top + "Accuracy", cm.topKAccuracy(top));
            if (probabilities) {
                j.put("logLoss", cm.logLoss());
            }
            j.put("classes", d.classNames());
            List<Object> per = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                Map<String, Object> pc = new LinkedHashMap<>();
                pc.put("class", d.classNames().get(c));
                pc.put("precision", cm.precision(c));
                pc.put("recall", cm.recall(c));
                pc.put("f1", cm.f1(c));
                pc.put("support", cm.support(c));
                per.add(pc);
            }
            j.put("perClass", per);
            j.put("macro", Map.of("precision", cm.macroPrecision(), "recall", cm.macroRecall(), "f1", cm.macroF1()));
            j.put("weighted", Map.of("precision", cm.weightedPrecision(), "recall", cm.weightedRecall(),
                    "f1", cm.weightedF1()));
            List<Object> rows = new ArrayList<>();
            for (long[] r : confusion) {
                List<Object> row = new ArrayList<>();
                for (long v : r) {
                    row.add(v);
                }
                rows.add(row);
            }
            j.put("confusion", rows);
            if (!json) {
                o.printf(Locale.ROOT, "%s on %s: %d rows, loss %.5f, accuracy %.2f%% (%d of %d), top-%d accuracy %.2f%%%s%n",
                        m.file(), dataOptions.describe(), d.size(), ev.loss(), 100 * ev.accuracy(), ev.correct(),
                        ev.examples(), top, 100 * cm.topKAccuracy(top),
                        probabilities ? String.format(Locale.ROOT, ", log loss %.5f", cm.logLoss()) : "");
                printReport(o, d.classNames(), cm);
                printConfusion(o, d.classNames(), confusion);
            }
            if (confusionPng != null) {
                Charts.writeConfusion(confusionPng, d.classNames(), confusion,
                        "Confusion matrix: " + m.file().getFileName() + " on " + dataOptions.describe());
                cl.getErr().printf("eval: confusion matrix → %s%n", confusionPng);
            }
        } else {
            RegressionMetrics rm = RegressionMetrics.of(out, d.targetMatrix(), d.outputs());
            j.put("meanAbsoluteError", rm.meanAbsoluteError());
            j.put("rootMeanSquaredError", rm.rootMeanSquaredError());
            j.put("r2", rm.r2());
            if (!json) {
                o.printf(Locale.ROOT, "%s on %s: %d rows, %d targets, loss (mse) %.6g, MAE %.6g, RMSE %.6g, R² %.5f%n",
                        m.file(), dataOptions.describe(), d.size(), d.outputs(), ev.loss(),
                        rm.meanAbsoluteError(), rm.rootMeanSquaredError(), rm.r2());
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

    private static void printReport(PrintWriter o, List<String> names, ClassificationMetrics cm) {
        int w = 12;
        for (String n : names) {
            w = Math.max(w, n.length() + 1);
        }
        String row = "%" + w + "s %9s %9s %9s %9s%n";
        String num = "%" + w + "s %9.4f %9.4f %9.4f %9d%n";
        o.printf(Locale.ROOT, row, "class", "precision", "recall", "f1", "support");
        for (int c = 0; c < names.size(); c++) {
            o.printf(Locale.ROOT, num, names.get(c), cm.precision(c), cm.recall(c), cm.f1(c), cm.support(c));
        }
        o.printf(Locale.ROOT, num, "macro avg", cm.macroPrecision(), cm.macroRecall(), cm.macroF1(), (long) cm.examples());
        o.printf(Locale.ROOT, num, "weighted avg", cm.weightedPrecision(), cm.weightedRecall(), cm.weightedF1(),
                (long) cm.examples());
    }

    private static void printConfusion(PrintWriter o, List<String> names, long[][] c) {
        int w = 5;
        for (String n : names) {
            w = Math.max(w, n.length() + 1);
        }
        for (long[] r : c) {
            for (long v : r) {
                w = Math.max(w, Long.toString(v).length() + 1);
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
            for (long v : c[i]) {
                sb.append(String.format("%" + w + "d", v));
            }
            o.println(sb);
        }
    }
}
