package dev.lanes.bench;

import ai.onnxruntime.OrtException;
import dev.lanes.io.Model;

import java.util.Locale;

/**
 * Lanes' predictor and ONNX Runtime side by side in one JVM: for each (batch, threads) point the
 * two take turns, one short slice each, round after round (alternating which goes first), so a
 * slow phase of the noisy machine hits both alike. Prints each one's median predictions/s, the
 * median over rounds of the Lanes/ONNX Runtime ratio, and at batch 1 the median latency in µs.
 *
 * <p>Each timed slice follows an untimed lead-in of the same contender ({@code -lead} seconds,
 * 0.05 by default). ONNX Runtime's intra-op threads keep spinning after its last call (about 30 ms
 * of CPU in the 200 ms after a slice, measured here), and Lanes' helpers for 200 µs; without the
 * lead-in, a slice that follows the other contender's starts with that one's idle threads still
 * holding a CPU, which on two threads slows its first tens of milliseconds.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.lanes.bench.InterleavedPredict \
 *      [-rounds 20] [-slice 0.3] [-lead 0.05] [-warmup 5] [-batches 1,32,256] [-standardized]
 * </pre>
 * {@code -standardized} puts a standardizer in front of the network (Lanes' {@code standardize}
 * kernel; ONNX Runtime's {@code Sub} and {@code Div} of the exported graph).
 */
public final class InterleavedPredict {

    private InterleavedPredict() {
    }

    public static void main(String[] args) throws OrtException {
        int rounds = 20;
        double slice = 0.3;
        double lead = 0.05;
        double warmup = 5;
        int[] batches = {1, 32, 256};
        boolean standardized = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-slice" -> slice = Double.parseDouble(args[++i]);
                case "-lead" -> lead = Double.parseDouble(args[++i]);
                case "-warmup" -> warmup = Double.parseDouble(args[++i]);
                case "-batches" -> batches = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                case "-standardized" -> standardized = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int all = Runtime.getRuntime().availableProcessors();
        Model model = PredictCase.model(standardized);
        System.out.printf(Locale.ROOT,
                "784-512-512-10 ReLU/softmax%s; %d rounds of %.2f s each after a %.2f s lead-in; %d processors%n%n",
                standardized ? ", standardized inputs" : "", rounds, slice, lead, all);
        System.out.println("| batch | threads | Lanes predictions/s | ONNX Runtime predictions/s | Lanes / ORT (median of rounds) "
                + "| Lanes µs/batch | ORT µs/batch |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int threads : new int[] {1, all}) {
            for (int batch : batches) {
                try (PredictCase lanes = new PredictCase("lanes", batch, threads, model);
                     PredictCase ort = new PredictCase("ort", batch, threads, model)) {
                    measure(lanes, ort, batch, threads, rounds, slice, lead, warmup);
                }
            }
        }
    }

    private static void measure(PredictCase lanes, PredictCase ort, int batch, int threads, int rounds,
                                double slice, double lead, double warmup) throws OrtException {
        runFor(lanes, warmup);
        runFor(ort, warmup);
        double[] l = new double[rounds];
        double[] o = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                l[r] = timed(lanes, lead, slice);
                o[r] = timed(ort, lead, slice);
            } else {
                o[r] = timed(ort, lead, slice);
                l[r] = timed(lanes, lead, slice);
            }
            ratio[r] = l[r] / o[r];
        }
        double lm = Report.median(l);
        double om = Report.median(o);
        System.out.printf(Locale.ROOT, "| %d | %d | %,.0f | %,.0f | %.2f | %.1f | %.1f |%n", batch, threads,
                lm * batch, om * batch, Report.median(ratio), 1e6 / lm, 1e6 / om);
    }

    /** Calls per second over a slice of about {@code slice} seconds, after an untimed lead-in. */
    private static double timed(PredictCase c, double lead, double slice) throws OrtException {
        if (lead > 0) {
            runFor(c, lead);
        }
        return runFor(c, slice);
    }

    /** Calls per second over about {@code seconds}. */
    private static double runFor(PredictCase c, double seconds) throws OrtException {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long calls = 0;
        float sink = 0;
        long now;
        do {
            sink += c.run();
            calls++;
            now = System.nanoTime();
        } while (now - start < budget);
        if (Float.isNaN(sink)) {
            throw new IllegalStateException("NaN output");
        }
        return calls / ((now - start) / 1e9);
    }
}
