package dev.lanes.bench;

import ai.onnxruntime.OrtException;
import dev.lanes.io.Model;
import dev.lanes.kernel.gemm.GemmKernels;
import dev.lanes.kernel.simd.VectorKernels;
import dev.lanes.kernel.spi.KernelRegistry;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How close a batch prediction on one thread can come to ONNX Runtime's: three timings in turns,
 * round after round, in one JVM, for the 784-512-512-10 ReLU/softmax model of
 * {@link InterleavedPredict}:
 * <ul>
 *   <li><b>ort</b>: ONNX Runtime's whole prediction of the batch (one intra-op thread);</li>
 *   <li><b>lanes</b>: Lanes' {@code Predictor} on the same batch, one kernel thread;</li>
 *   <li><b>tiles</b>: only the micro-kernel calls of the two large layers (784→512 and 512→512,
 *       bias and ReLU in the tile's store), over blocks packed beforehand, in the packed GEMM's
 *       loop order — no packing of the batch, no 10-unit layer, no softmax, no edge tiles, no
 *       path choice. Timed on the full tiles of the batch and scaled to all its rows.</li>
 * </ul>
 * The tiles' time is what Lanes' predictor would take if everything but its micro-kernel cost
 * nothing: when it is not below ONNX Runtime's whole time, no change outside the micro-kernel
 * can put Lanes ahead at that batch. Prints medians and the medians of the per-round ratios.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp jmh/target/benchmarks.jar dev.lanes.bench.PredictBound [-batch 256] [-rounds 15] [-slice 0.3]
 * </pre>
 */
public final class PredictBound {

    private PredictBound() {
    }

    /** The two large layers' micro-kernel calls over packed blocks of random values. */
    static final class Tiles {
        final GemmKernels kernels;
        final int mr;
        final int nr;
        final int mc;
        final int kc;
        /** Rows of full tiles: the batch's rows rounded down to a multiple of mr. */
        final int rows;
        final int[] ins = {PredictCase.SIZES[0], PredictCase.SIZES[1]};
        final int units = PredictCase.SIZES[1];
        final float[][] a = new float[2][];
        final float[][] b = new float[2][];
        final float[] bias;
        final float[] c;

        Tiles(int batch) {
            KernelRegistry width = KernelRegistry.forBits(VectorKernels.preferredVectorBits());
            try {
                var ctor = Class.forName(KernelRegistry.KERNEL_PACKAGE + "." + width.gemmClass())
                        .asSubclass(GemmKernels.class).getDeclaredConstructor();
                ctor.setAccessible(true);
                kernels = ctor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load the generated kernels " + width.gemmClass(), e);
            }
            mr = kernels.mr();
            nr = kernels.nr();
            mc = width.blocking().mc();
            kc = width.blocking().kc();
            for (int in : ins) {
                if (in > kc || units % nr != 0) {
                    throw new IllegalStateException("this bound assumes one k block and whole panels; width "
                            + width + " has KC " + kc + " and NR " + nr);
                }
            }
            rows = batch / mr * mr;
            if (rows == 0) {
                throw new IllegalArgumentException("the batch must have at least " + mr + " rows (one tile)");
            }
            SplittableRandom rnd = new SplittableRandom(11);
            for (int l = 0; l < 2; l++) {
                a[l] = new float[rows * ins[l]];
                b[l] = new float[ins[l] * units];
                for (int i = 0; i < a[l].length; i++) {
                    a[l][i] = (float) rnd.nextDouble();
                }
                for (int i = 0; i < b[l].length; i++) {
                    b[l][i] = (float) (rnd.nextDouble() - 0.5) * 0.05f;
                }
            }
            bias = new float[units];
            c = new float[rows * units];
        }

        /** One pass: for each block of rows, each panel of B, each sliver of A — the packed GEMM's order. */
        float run() {
            for (int l = 0; l < 2; l++) {
                int k = ins[l];
                int blocks = (rows + mc - 1) / mc;
                for (int blk = 0; blk < blocks; blk++) {
                    // blocks of nearly equal size, in whole tiles, as the GEMM cuts them
                    int from = (int) ((long) rows / mr * blk / blocks) * mr;
                    int to = (int) ((long) rows / mr * (blk + 1) / blocks) * mr;
                    for (int jr = 0; jr < units; jr += nr) {
                        for (int ir = from; ir < to; ir += mr) {
                            kernels.tileBias(k, a[l], ir * k, b[l], jr * k, bias, jr, true, c, ir * units + jr,
                                    units);
                        }
                    }
                }
            }
            return c[c.length - 1];
        }
    }

    public static void main(String[] args) throws OrtException {
        int batch = 256;
        int rounds = 15;
        double slice = 0.3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-batch" -> batch = Integer.parseInt(args[++i]);
                case "-rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-slice" -> slice = Double.parseDouble(args[++i]);
                default -> {
                    System.err.println("usage: PredictBound [-batch B] [-rounds N] [-slice SECONDS]");
                    System.exit(2);
                }
            }
        }
        if (batch < 1 || rounds < 1 || !(slice > 0)) {
            throw new IllegalArgumentException("batch ≥ 1, rounds ≥ 1 and slice > 0");
        }
        Model model = PredictCase.model(false);
        Tiles tiles = new Tiles(batch);
        double scale = (double) batch / tiles.rows;
        long madds = (long) batch * (784L * 512 + 512L * 512 + 512L * 10);
        String[] names = {"ort", "lanes", "tiles"};
        double[][] us = new double[3][rounds];
        try (PredictCase lanes = new PredictCase("lanes", batch, 1, model);
             PredictCase ort = new PredictCase("ort", batch, 1, model)) {
            for (int r = -4; r < rounds; r++) {
                for (int i = 0; i < 3; i++) {
                    int v = Math.floorMod(i + r, 3); // who goes first changes every round
                    double t = switch (v) {
                        case 0 -> perCall(ort::run, slice);
                        case 1 -> perCall(lanes::run, slice);
                        default -> perCall(tiles::run, slice) * scale;
                    };
                    if (r >= 0) {
                        us[v][r] = t;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "784-512-512-10 ReLU/softmax, batch %d, one thread; %d rounds of %.2f s each;"
                        + " tiles: %d×%d micro-kernel, MC %d, KC %d%n%n", batch, rounds, slice, tiles.mr, tiles.nr,
                tiles.mc, tiles.kc);
        System.out.println("| timing | µs per batch (median) | GFLOP/s (whole model's work) | time / ort (median of rounds) |");
        System.out.println("|---|---:|---:|---:|");
        for (int v = 0; v < 3; v++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = us[v][r] / us[0][r];
            }
            double m = Report.median(us[v]);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.3f |%n", names[v], m, 2.0 * madds / m / 1e3,
                    Report.median(ratio));
        }
    }

    /** Something timed: returns a value so the work cannot be optimized away. */
    private interface Call {
        float run() throws OrtException;
    }

    /** Microseconds per call over about {@code seconds}, after a 0.05 s untimed lead-in. */
    private static double perCall(Call c, double seconds) throws OrtException {
        float sink = 0;
        long lead = System.nanoTime() + 50_000_000L;
        while (System.nanoTime() - lead < 0) {
            sink += c.run();
        }
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long calls = 0;
        long now;
        do {
            sink += c.run();
            calls++;
            now = System.nanoTime();
        } while (now - start < budget);
        if (Float.isNaN(sink)) {
            throw new IllegalStateException("NaN output");
        }
        return (now - start) / 1e3 / calls;
    }
}
