package dev.lanes.predict;

import dev.lanes.io.Model;
import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.spi.KernelRegistry;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class PredictorTest {

    static List<Kernels> kernels() {
        List<Kernels> list = new ArrayList<>(List.of(Kernels.reference()));
        int preferred = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null)).vectorBits();
        for (int bits : KernelRegistry.allBits()) {
            if (bits <= preferred) {
                list.add(Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, 2, null)));
            }
        }
        return list;
    }

    /** |a − b| ≤ tol·max(1, |b|) element by element. */
    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (!(err <= tol * Math.max(1, Math.abs(expected[i])))) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (error " + err + ")");
            }
        }
    }

    @Test
    void matchesTheModelForEveryActivationLossKernelAndBatchSize() {
        Random rnd = new Random(3);
        for (Kernels k : kernels()) {
            for (Activation act : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.RELU,
                    Activation.IDENTITY, Activation.GELU, Activation.SILU}) {
                for (Loss loss : Loss.values()) {
                    Model model = TestModels.model(37, new int[] {33, 17}, 10, act, loss, 7, k);
                    Predictor p = Predictor.of(model);
                    String what = k.describe() + " " + act + " " + loss;
                    for (int rows : new int[] {1, 2, 7, 255, 256, 257, 600}) {
                        float[] x = TestModels.rows(rnd, rows, 37);
                        float[] expected = model.predict(x, rows);
                        assertClose(expected, p.predict(x, rows), 2e-5, what + " rows=" + rows);
                        // One row at a time (the matrix-vector path), at an offset into x.
                        float[] out = new float[rows * 10 + 3];
                        for (int r = 0; r < rows; r += Math.max(1, rows / 9)) {
                            p.predict(x, r * 37, out, 3 + r * 10);
                            assertClose(Arrays.copyOfRange(expected, r * 10, r * 10 + 10),
                                    Arrays.copyOfRange(out, 3 + r * 10, 13 + r * 10), 2e-5, what + " row " + r);
                        }
                    }
                }
            }
        }
    }

    @Test
    void classesAndNames() {
        Model model = TestModels.model(12, new int[] {9}, 4, Activation.RELU, Loss.CROSS_ENTROPY, 5, Kernels.reference());
        Predictor p = Predictor.of(model);
        Random rnd = new Random(4);
        for (int i = 0; i < 50; i++) {
            float[] row = TestModels.rows(rnd, 1, 12);
            assertEquals(model.predictClass(row), p.predictClass(row));
            assertEquals(model.predictClassName(row), p.predictClassName(row));
        }
        assertEquals(model.classNames(), p.classNames());
        Model regression = TestModels.model(12, new int[] {9}, 2, Activation.TANH, Loss.MSE, 5, Kernels.reference());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Predictor.of(regression).predictClassName(new float[12]));
        assertTrue(e.getMessage().contains("regression"), e.getMessage());
    }

    @Test
    void laterChangesToTheModelDoNotReachThePredictor() {
        Model model = TestModels.model(8, new int[] {6}, 3, Activation.TANH, Loss.CROSS_ENTROPY, 9, Kernels.reference());
        Predictor p = Predictor.of(model);
        float[] row = TestModels.rows(new Random(1), 1, 8);
        float[] before = p.predict(row);
        Arrays.fill(model.network().parameters(), 0.5f);
        assertArrayEquals(before, p.predict(row));
    }

    /** The batch method gives a row the same bits whatever batch it comes in (a one-row batch included). */
    @Test
    void aRowsOutputsDoNotDependOnItsBatch() {
        for (Kernels k : kernels()) {
            Model model = TestModels.model(70, new int[] {65, 40}, 10, Activation.RELU, Loss.CROSS_ENTROPY, 4, k);
            Predictor p = Predictor.of(model);
            Random rnd = new Random(5);
            int rows = 300;
            float[] x = TestModels.rows(rnd, rows, 70);
            float[] all = p.predict(x, rows);
            for (int size : new int[] {1, 5, 64, 129, 200}) {
                for (int start = 0; start + size <= rows; start += 97) {
                    float[] part = new float[size * 10];
                    p.predict(x, start * 70, size, part, 0);
                    assertArrayEquals(Arrays.copyOfRange(all, start * 10, (start + size) * 10), part,
                            k.describe() + ": rows " + start + ".." + (start + size - 1) + " as a batch of " + size);
                }
            }
        }
    }

    /** Batches cut into row shards give the bits of one thread, with the library's pool or an executor. */
    @Test
    void everyThreadCountGivesTheBitsOfOneThread() {
        Model model = TestModels.model(90, new int[] {70, 33}, 10, Activation.SIGMOID, Loss.CROSS_ENTROPY, 6,
                Kernels.reference());
        Random rnd = new Random(9);
        int rows = 700;
        float[] x = TestModels.rows(rnd, rows, 90);
        float[] expected = Predictor.of(model, Kernels.create(
                new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null))).predict(x, rows);
        for (int threads : new int[] {2, 3, 8, 16}) {
            Predictor p = Predictor.of(model, Kernels.create(
                    new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null)));
            assertArrayEquals(expected, p.predict(x, rows), threads + " threads");
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Predictor p = Predictor.of(model, Kernels.create(
                    new KernelConfig(KernelConfig.Implementation.SIMD, 0, 4, pool)));
            assertArrayEquals(expected, p.predict(x, rows), "4 threads on the caller's executor");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threadsSharingOnePredictorGetTheBitsOfOneThread() throws Exception {
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 2, null));
        Model model = TestModels.model(64, new int[] {48, 32}, 10, Activation.GELU, Loss.CROSS_ENTROPY, 2, k);
        Predictor p = Predictor.of(model);
        Random rnd = new Random(8);
        int rows = 300;
        float[] x = TestModels.rows(rnd, rows, 64);
        float[] batch = p.predict(x, rows);
        float[][] single = new float[rows][];
        for (int r = 0; r < rows; r++) {
            single[r] = p.predict(Arrays.copyOfRange(x, r * 64, r * 64 + 64));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random order = new Random(seed);
                    float[] out = new float[10];
                    for (int i = 0; i < 400; i++) {
                        if (i % 50 == 0) {
                            if (!Arrays.equals(batch, p.predict(x, rows))) {
                                return "a batch differed";
                            }
                        }
                        int r = order.nextInt(rows);
                        p.predict(x, r * 64, out, 0);
                        if (!Arrays.equals(single[r], out)) {
                            return "row " + r + " differed";
                        }
                    }
                    return "";
                }));
            }
            for (Future<String> f : results) {
                assertEquals("", f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputIsNamed() {
        Model model = TestModels.model(5, new int[] {4}, 3, Activation.RELU, Loss.CROSS_ENTROPY, 1, Kernels.reference());
        Predictor p = Predictor.of(model);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.predict(new float[4]));
        assertTrue(e.getMessage().contains("4 features") && e.getMessage().contains("5"), e.getMessage());
        float[] x = new float[15];
        x[2 * 5 + 3] = Float.POSITIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> p.predict(x, 3));
        assertTrue(e.getMessage().contains("row 2, feature 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.predict(new float[10], 0, 2, new float[5], 0));
        assertTrue(e.getMessage().startsWith("out is too short"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.predict(new float[10], 1, 2, new float[6], 0));
        assertTrue(e.getMessage().startsWith("x is too short"), e.getMessage());
        assertEquals(0, p.predict(new float[0], 0).length);
    }

    /**
     * The preprocessing's check names the first non-finite value of a batch, in row order then
     * feature order, across chunks and for NaN, infinities and a finite input that overflows.
     */
    @Test
    void nonFiniteInputsAreNamedInEveryChunkAndBatchSize() {
        Random rnd = new Random(11);
        for (Kernels k : kernels()) {
            Model model = TestModels.model(37, new int[] {16}, 4, Activation.RELU, Loss.CROSS_ENTROPY, 5, k);
            Predictor p = Predictor.of(model, k);
            float[] std = model.preprocessing().std();
            int narrow = 0;
            while (std[narrow] >= 1f) {
                narrow++;
            }
            int rows = Predictor.CHUNK_ROWS + 45;
            for (int[] at : new int[][] {{0, 0}, {3, 36}, {Predictor.CHUNK_ROWS - 1, 17}, {Predictor.CHUNK_ROWS, 2},
                                         {rows - 1, 36}}) {
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float[] x = TestModels.rows(rnd, rows, 37);
                    x[at[0] * 37 + at[1]] = bad;
                    // A later bad value in the same row must not be the one named.
                    if (at[1] < 36) {
                        x[at[0] * 37 + 36] = Float.NaN;
                    }
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.predict(x, rows));
                    assertTrue(e.getMessage().startsWith("row " + at[0] + ", feature " + at[1] + " is " + bad),
                            k.describe() + ": " + e.getMessage());
                }
            }
            // Finite, but (x − mean)/std overflows where std < 1.
            float[] x = TestModels.rows(rnd, 9, 37);
            x[6 * 37 + narrow] = -Float.MAX_VALUE;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.predict(x, 9));
            assertTrue(e.getMessage().startsWith("row 6, feature " + narrow + " is " + (-Float.MAX_VALUE))
                    && e.getMessage().contains("not finite after"), e.getMessage());
            // Large but representable results pass and match the model.
            float[] big = TestModels.rows(rnd, 9, 37);
            big[4 * 37] = 1e30f;
            assertClose(model.predict(big, 9), p.predict(big, 9), 2e-5, k.describe() + " large inputs");
        }
    }
}
