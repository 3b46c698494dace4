package dev.lanes.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the time of single training steps spreads on one and on two threads: the same step as
 * {@link StepCeiling} (784-512-512-10, fused SGD update), each step timed on its own, in blocks of
 * steps that alternate between the two thread counts in one JVM. Prints percentiles and the mean
 * per thread count, and two speed-ups: of the median step and of the mean step.
 *
 * <p>The slice-based tools ({@link InterleavedJars}, {@link StepCeiling}) measure the mean. When
 * the machine slows one CPU now and then, a two-thread step waits for the slower of its two
 * threads at every fork/join, so it meets such slow phases about twice as often as a one-thread
 * step; the gap between the two speed-ups shows how much of the mean's shortfall comes from that.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.lanes.bench.StepSpread \
 *      [-batch 256] [-blocks 8] [-steps 300] [-warmup 3] [-model sigmoidMse,reluSoftmaxCe]
 * </pre>
 */
public final class StepSpread {

    private static final double[] PERCENTILES = {0.10, 0.25, 0.50, 0.75, 0.90, 0.99};

    private StepSpread() {
    }

    public static void main(String[] args) {
        int batch = TrainingStepBenchmark.BATCH;
        int blocks = 8;
        int steps = 300;
        double warmup = 3;
        List<String> models = List.of("sigmoidMse", "reluSoftmaxCe");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-batch" -> batch = Integer.parseInt(args[++i]);
                case "-blocks" -> blocks = Integer.parseInt(args[++i]);
                case "-steps" -> steps = Integer.parseInt(args[++i]);
                case "-warmup" -> warmup = Double.parseDouble(args[++i]);
                case "-model" -> models = List.of(args[++i].split(","));
                default -> {
                    System.err.println("usage: StepSpread [-batch B] [-blocks EVEN] [-steps PER_BLOCK]"
                            + " [-warmup SECONDS] [-model sigmoidMse,reluSoftmaxCe]");
                    System.exit(2);
                }
            }
        }
        if (batch < 1 || blocks < 2 || blocks % 2 != 0 || steps < 1 || !(warmup >= 0)) {
            throw new IllegalArgumentException("batch ≥ 1, an even number of blocks ≥ 2, steps ≥ 1, warmup ≥ 0");
        }
        System.out.printf(Locale.ROOT, "%d processors; batch %d; %d blocks of %d steps, one and two threads"
                + " alternating; µs per step%n%n", Runtime.getRuntime().availableProcessors(), batch, blocks, steps);
        StringBuilder head = new StringBuilder("| model | threads |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (double p : PERCENTILES) {
            head.append(String.format(Locale.ROOT, " p%.0f |", p * 100));
            rule.append("---:|");
        }
        System.out.println(head.append(" mean |"));
        System.out.println(rule.append("---:|"));
        StringBuilder summary = new StringBuilder();
        for (String model : models) {
            StepCeiling.Stepper[] s = {new StepCeiling.Stepper(model, 1, batch, 2),
                new StepCeiling.Stepper(model, 2, batch, 2)};
            for (StepCeiling.Stepper st : s) {
                st.slice(warmup);
            }
            long[][] nanos = new long[2][blocks / 2 * steps];
            for (int b = 0; b < blocks; b++) {
                int t = b % 2;
                int at = b / 2 * steps;
                for (int i = 0; i < steps; i++) {
                    long start = System.nanoTime();
                    s[t].step();
                    nanos[t][at + i] = System.nanoTime() - start;
                }
            }
            double[] median = new double[2];
            double[] mean = new double[2];
            for (int t = 0; t < 2; t++) {
                long[] sorted = nanos[t].clone();
                Arrays.sort(sorted);
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d |", model, t + 1));
                for (double p : PERCENTILES) {
                    row.append(String.format(Locale.ROOT, " %.0f |", at(sorted, p) / 1e3));
                }
                median[t] = at(sorted, 0.5);
                mean[t] = Arrays.stream(sorted).average().orElseThrow();
                System.out.println(row.append(String.format(Locale.ROOT, " %.0f |", mean[t] / 1e3)));
            }
            summary.append(String.format(Locale.ROOT, "%s: two threads over one, median step %.2f×, mean step %.2f×%n",
                    model, median[0] / median[1], mean[0] / mean[1]));
        }
        System.out.println();
        System.out.print(summary);
    }

    /** The value at quantile q of sorted values (nearest rank). */
    private static double at(long[] sorted, double q) {
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}
