package dev.lanes.cli;

import dev.lanes.io.AtomicFiles;
import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;
import dev.lanes.kernel.Warmup;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.nn.StepUpdate;
import dev.lanes.optim.Sgd;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code lanes bench}: a quick look at GEMM throughput of the reference and SIMD kernels side by
 * side in one JVM. Each sample repeats the call until it has run for {@code --min-time}
 * milliseconds; after the warm-up samples, the median of {@code --runs} samples is reported. JMH
 * (the jmh/ project) remains the authority for published numbers.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILURE, ExitCodes.HELP_USAGE,
            ExitCodes.HELP_BAD_INPUT},
        description = {"Measure single-precision GEMM throughput (GFLOP/s = 2·M·N·K / time) of the "
                + "reference and SIMD kernels on a few shapes, side by side in one JVM, then one training "
                + "step (samples/s).",
            "A quick look: warm-up, then the median of several timed samples. Use the JMH benchmarks "
                + "for numbers you publish."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--sizes", split = ",", paramLabel = "MxKxN",
            defaultValue = "128x128x128,256x256x256,512x512x512,256x784x512,256x512x10",
            description = "Shapes M×K×N (C is M×N, A is M×K), or one number for a cube "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--runs", converter = Ranges.Positive.class, defaultValue = "5", description = "Timed samples per shape (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", converter = Ranges.NonNegative.class, defaultValue = "3",
            description = "Untimed warm-up samples per shape (default: ${DEFAULT-VALUE}). Above 0 the SIMD kernels "
                    + "also run the library's warm-up (Warmup.run) first, so that no timed sample catches a kernel "
                    + "before C2 has compiled it; 0 turns both off.")
    int warmup;

    @Option(names = "--min-time", converter = Ranges.Positive.class, defaultValue = "100", paramLabel = "MS",
            description = "Minimum duration of one sample in milliseconds (default: ${DEFAULT-VALUE}).")
    int minTimeMillis;

    @Option(names = "--threads", converter = Ranges.Threads.class, defaultValue = "0", paramLabel = "N",
            description = "Threads for the SIMD kernels; 0 = all processors (default).")
    int threads;

    @Option(names = "--no-reference", negatable = false,
            description = "Skip the scalar reference (it is slow on large shapes).")
    boolean noReference;

    @Option(names = "--step", converter = Ranges.Positive.class, split = ",", paramLabel = "N", defaultValue = "784,512,512,10",
            description = "Layer widths of the training-step benchmark, input first (default: ${DEFAULT-VALUE}); "
                    + "sigmoid layers, MSE, one SGD update per step.")
    int[] stepSizes;

    @Option(names = "--step-batch", converter = Ranges.Positive.class, defaultValue = "256", paramLabel = "B",
            description = "Batch size of the training step (default: ${DEFAULT-VALUE}).")
    int stepBatch;

    @Option(names = "--no-step", negatable = false, description = "Skip the training-step benchmark.")
    boolean noStep;

    @Option(names = "--json", description = "Print the results as one JSON object.")
    boolean json;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also write a PNG bar chart of GFLOP/s.")
    Path chart;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    record Shape(int m, int k, int n) {
        String label() {
            return m + "x" + k + "x" + n;
        }

        double flops() {
            return 2.0 * m * k * n;
        }
    }

    record Result(String kernels, Shape shape, double medianGflops, double minGflops, double maxGflops) {
    }

    record StepResult(String kernels, double medianSamples, double minSamples, double maxSamples) {
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (runs < 1 || warmup < 0 || minTimeMillis < 1 || threads < 0) {
            throw new CommandLine.ParameterException(cl,
                    "--runs and --min-time must be at least 1, --warmup and --threads at least 0");
        }
        if (chart != null) {
            Main.requireWritableFile(cl, "--chart", chart);
        }
        List<Shape> shapes = new ArrayList<>();
        for (String s : sizes) {
            Shape shape = parseShape(cl, s);
            long[] cells = {(long) shape.m() * shape.k(), (long) shape.k() * shape.n(), (long) shape.m() * shape.n()};
            for (long c : cells) {
                if (c > Budget.MAX_ARRAY) {
                    throw new CommandLine.ParameterException(cl, "--sizes " + shape.label() + ": a matrix of " + c
                            + " floats is more than one Java array holds (" + Budget.MAX_ARRAY + ")");
                }
            }
            Budget.heap(cl, "--sizes " + shape.label(), 4.0 * (cells[0] + cells[1] + cells[2]));
            shapes.add(shape);
        }
        if (!noStep) {
            // Checked before the GEMM part runs, not after it.
            if (stepSizes.length < 2) {
                throw new CommandLine.ParameterException(cl, "--step needs at least two widths, input and output");
            }
            Budget.network(cl, "--step", Arrays.stream(stepSizes).mapToObj(Integer::toString)
                    .reduce((p, q) -> p + "," + q).orElseThrow(), stepSizes, stepBatch, 0);
        }
        List<Kernels> impls = new ArrayList<>();
        if (!noReference) {
            impls.add(Kernels.reference());
        }
        String simdProblem = null;
        try {
            impls.add(Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null)));
        } catch (IllegalStateException e) {
            simdProblem = e.getMessage();
        }
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        if (impls.isEmpty()) {
            throw new CliException(ExitCodes.FAILURE, "nothing to measure: " + simdProblem);
        }
        long warmupNanos = 0;
        boolean kernelWarmup = warmup > 0 && impls.stream().anyMatch(k -> "simd".equals(k.name()));
        if (kernelWarmup) {
            // Uncompiled Vector API code is far slower than the scalar loops; a few samples of one
            // shape do not always give C2 the calls it needs before timing starts.
            long t0 = System.nanoTime();
            for (Kernels k : impls) {
                Warmup.run(k);
            }
            warmupNanos = System.nanoTime() - t0;
        }
        if (!json) {
            out.printf(Locale.ROOT, "GEMM C = A·B, float32, row-major; %d cores; %s, median of %d samples of ≥ %d ms%n",
                    Runtime.getRuntime().availableProcessors(),
                    (kernelWarmup ? String.format(Locale.ROOT, "kernel warm-up %.2f s, then ", warmupNanos * 1e-9) : "")
                            + (warmup > 0 ? warmup + " warm-up samples" : "no warm-up"), runs, minTimeMillis);
            for (Kernels k : impls) {
                out.println("  " + k.describe());
            }
            if (simdProblem != null) {
                out.println("  simd: not measured: " + simdProblem);
            }
            out.printf("%-14s %-10s %10s %10s %10s%n", "M×K×N", "kernels", "GFLOP/s", "min", "max");
            out.flush();
        }
        List<Result> results = new ArrayList<>();
        for (Shape shape : shapes) {
            // Interleave implementations shape by shape so slow phases of a noisy machine hit both.
            for (Kernels k : impls) {
                Result r = measure(k, shape);
                results.add(r);
                if (!json) {
                    out.printf(Locale.ROOT, "%-14s %-10s %10.2f %10.2f %10.2f%n", shape.label(), k.name(),
                            r.medianGflops(), r.minGflops(), r.maxGflops());
                    out.flush();
                }
            }
        }
        List<StepResult> steps = new ArrayList<>();
        if (!noStep) {
            String label = Arrays.stream(stepSizes).mapToObj(Integer::toString)
                    .reduce((p, q) -> p + "-" + q).orElseThrow();
            if (!json) {
                out.printf("%nTraining step %s, batch %d, sigmoid + MSE, forward + backward + SGD update%n",
                        label, stepBatch);
                out.printf("%-10s %14s %14s %14s%n", "kernels", "samples/s", "min", "max");
                out.flush();
            }
            for (Kernels k : impls) {
                StepResult r = measureStep(k, stepSizes, stepBatch);
                steps.add(r);
                if (!json) {
                    out.printf(Locale.ROOT, "%-10s %,14.0f %,14.0f %,14.0f%n", k.name(), r.medianSamples(),
                            r.minSamples(), r.maxSamples());
                    out.flush();
                }
            }
        }
        if (chart != null) {
            writeChart(chart, results, impls);
            if (!json) {
                out.println("chart: " + chart);
            }
        }
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("cores", Runtime.getRuntime().availableProcessors());
            List<Object> ks = new ArrayList<>();
            for (Kernels k : impls) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", k.name());
                m.put("vectorBits", k.vectorBits());
                m.put("threads", k.threads());
                m.put("describe", k.describe());
                ks.add(m);
            }
            root.put("kernels", ks);
            if (simdProblem != null) {
                root.put("simdUnavailable", simdProblem);
            }
            root.put("warmup", warmup);
            root.put("kernelWarmup", kernelWarmup);
            root.put("kernelWarmupSeconds", warmupNanos * 1e-9);
            root.put("runs", runs);
            root.put("minTimeMillis", minTimeMillis);
            List<Object> rs = new ArrayList<>();
            for (Result r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kernels", r.kernels());
                m.put("m", r.shape().m());
                m.put("k", r.shape().k());
                m.put("n", r.shape().n());
                m.put("gflops", r.medianGflops());
                m.put("minGflops", r.minGflops());
                m.put("maxGflops", r.maxGflops());
                rs.add(m);
            }
            root.put("gemm", rs);
            if (!noStep) {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("sizes", Arrays.stream(stepSizes).boxed().toList());
                st.put("batch", stepBatch);
                List<Object> sr = new ArrayList<>();
                for (StepResult r : steps) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("kernels", r.kernels());
                    m.put("samplesPerSecond", r.medianSamples());
                    m.put("minSamplesPerSecond", r.minSamples());
                    m.put("maxSamplesPerSecond", r.maxSamples());
                    sr.add(m);
                }
                st.put("results", sr);
                root.put("trainingStep", st);
            }
            out.println(Json.object(root));
        }
        out.flush();
        err.flush();
        return ExitCodes.OK;
    }

    static Shape parseShape(CommandLine cl, String s) {
        String[] p = s.trim().toLowerCase(Locale.ROOT).split("[x×]");
        try {
            int[] v = Arrays.stream(p).mapToInt(t -> Integer.parseInt(t.trim())).toArray();
            Shape shape = switch (v.length) {
                case 1 -> new Shape(v[0], v[0], v[0]);
                case 3 -> new Shape(v[0], v[1], v[2]);
                default -> null;
            };
            if (shape != null && shape.m() > 0 && shape.k() > 0 && shape.n() > 0) {
                return shape;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(cl,
                "--sizes: '" + (s.length() <= 40 ? s : s.substring(0, 37) + "...") + "' is not a shape MxKxN or a cube size of positive integers");
    }

    private Result measure(Kernels k, Shape s) {
        SplittableRandom rnd = new SplittableRandom(42);
        float[] a = new float[s.m() * s.k()];
        float[] b = new float[s.k() * s.n()];
        float[] c = new float[s.m() * s.n()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        double[] perSecond = rates(() -> k.sgemm(Transpose.NONE, Transpose.NONE, s.m(), s.n(), s.k(), 1f,
                a, 0, s.k(), b, 0, s.n(), 0f, c, 0, s.n()));
        if (!Float.isFinite(c[0])) {
            throw new CliException(ExitCodes.FAILURE, "GEMM produced a non-finite value: " + c[0]);
        }
        double giga = s.flops() * 1e-9;
        return new Result(k.name(), s, median(perSecond) * giga, perSecond[0] * giga,
                perSecond[perSecond.length - 1] * giga);
    }

    /**
     * Runs {@code op} for the warm-up samples, then {@code runs} timed samples of at least
     * {@code --min-time} each; returns the calls per second of each timed sample, sorted.
     */
    private double[] rates(Runnable op) {
        long minNanos = minTimeMillis * 1_000_000L;
        for (int w = 0; w < warmup; w++) {
            sample(op, minNanos);
        }
        double[] r = new double[runs];
        for (int i = 0; i < runs; i++) {
            long[] calls = sample(op, minNanos);
            r[i] = calls[0] * 1e9 / calls[1];
        }
        Arrays.sort(r);
        return r;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Calls {@code op} until at least {@code minNanos} have passed; returns {calls, elapsed nanoseconds}. */
    private static long[] sample(Runnable op, long minNanos) {
        long t0 = System.nanoTime();
        long calls = 0;
        long elapsed;
        do {
            op.run();
            calls++;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < minNanos);
        return new long[] {calls, elapsed};
    }

    /** One training step (forward, backward, the SGD update fused in as training runs it) per call; samples per second. */
    private StepResult measureStep(Kernels k, int[] sizes, int batchSize) {
        NetworkSpec netSpec = NetworkSpec.of(sizes, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE);
        Network net = Network.create(netSpec, 1, k);
        Gradients g = net.newGradients();
        StepUpdate update = new Sgd(1e-3f).stepUpdate(net, g);
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[batchSize * sizes[0]];
        float[] y = new float[batchSize * sizes[sizes.length - 1]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        for (int r = 0; r < batchSize; r++) {
            y[r * sizes[sizes.length - 1] + rnd.nextInt(sizes[sizes.length - 1])] = 1f;
        }
        double[] loss = new double[1];
        double[] steps = rates(() -> {
            loss[0] = net.lossAndGradients(x, y, batchSize, g, update);
        });
        if (!Double.isFinite(loss[0])) {
            throw new CliException(ExitCodes.FAILURE, "the training step produced a non-finite loss: " + loss[0]);
        }
        return new StepResult(k.name(), median(steps) * batchSize, steps[0] * batchSize,
                steps[steps.length - 1] * batchSize);
    }

    private static void writeChart(Path file, List<Result> results, List<Kernels> impls) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                .title("Lanes GEMM, float32 (median GFLOP/s)")
                .xAxisTitle("M×K×N").yAxisTitle("GFLOP/s").build();
        for (Kernels k : impls) {
            List<String> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Result r : results) {
                if (r.kernels().equals(k.name())) {
                    xs.add(r.shape().label());
                    ys.add(r.medianGflops());
                }
            }
            chart.addSeries(k.name() + " (" + k.vectorBits() + "-bit, " + k.threads() + "t)", xs, ys);
        }
        AtomicFiles.write(file, o -> ChartEncoder.saveChart(chart, o, "png"));
    }
}
