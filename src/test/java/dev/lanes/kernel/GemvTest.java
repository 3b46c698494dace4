package dev.lanes.kernel;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#sgemv} on every implementation and width against a double-precision oracle, in
 * the manner of sblat2: awkward sizes (0, 1, lanes ± 1, primes), both orientations, alpha and beta
 * edges, offsets and padded leading dimensions whose padding must stay untouched, and an error
 * bound of a few eps·(|alpha|·Σ|a||x| + |beta||y|) per output.
 */
class GemvTest {

    private static final int[] SIZES = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 97, 129};
    private static final float[] ALPHAS = {0f, 1f, 0.7f, -1.3f};
    private static final float[] BETAS = {0f, 1f, 1.3f};
    private static final float SENTINEL = -12345.5f;

    static java.util.stream.Stream<Named<Kernels>> kernels() {
        return KernelVariants.all();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matchesTheDoubleOracleOverAwkwardShapes(Kernels k) {
        Random rnd = new Random(11);
        int checked = 0;
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (Transpose t : Transpose.values()) {
                    for (float alpha : ALPHAS) {
                        for (float beta : BETAS) {
                            check(k, rnd, t, m, n, alpha, beta);
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 1000);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void largeLayerShapes(Kernels k) {
        Random rnd = new Random(12);
        // A 784-512 layer and its 512-10 output layer, both ways round, with beta 0 and 1.
        for (int[] s : new int[][] {{512, 784}, {784, 512}, {10, 512}, {512, 10}, {1000, 3}, {3, 1001}}) {
            for (Transpose t : Transpose.values()) {
                check(k, rnd, t, s[0], s[1], 1f, 0f);
                check(k, rnd, t, s[0], s[1], 0.5f, 1f);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void sameBitsEveryCall(Kernels k) {
        Random rnd = new Random(13);
        int m = 37, n = 101;
        float[] a = random(rnd, m * n);
        float[] x = random(rnd, n);
        float[] first = new float[m];
        k.sgemv(Transpose.NONE, m, n, 1f, a, 0, n, x, 0, 0f, first, 0);
        for (int i = 0; i < 2000; i++) {
            float[] again = new float[m];
            k.sgemv(Transpose.NONE, m, n, 1f, a, 0, n, x, 0, 0f, again, 0);
            if (!Arrays.equals(first, again)) {
                fail(k.describe() + ": call " + i + " rounded differently");
            }
        }
    }

    /**
     * A large product is split by rows over the threads: the same bits for every thread count
     * (oversubscribed ones included), at every width, whatever the row count's remainder.
     */
    @org.junit.jupiter.api.Test
    void theRowSplitGivesTheSameBitsForEveryThreadCount() {
        Random rnd = new Random(14);
        // Rows: a 784-input layer of 512, a prime, a few very long rows, one row short of the split.
        int[][] shapes = {{512, 784}, {257, 300}, {9, 8000}, {7, 10000}};
        for (int bits : new int[] {0, 256, 128}) {
            if (bits > KernelVariants.preferredBits()) {
                continue;
            }
            Kernels one = KernelVariants.simd(bits, 1);
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int lda = n + 3;
                float[] a = random(rnd, 2 + m * lda);
                float[] x = random(rnd, 1 + n);
                float[] y0 = random(rnd, 5 + m);
                for (float beta : new float[] {0f, 1.3f}) {
                    float[] expected = y0.clone();
                    one.sgemv(Transpose.NONE, m, n, 0.7f, a, 2, lda, x, 1, beta, expected, 5);
                    for (int threads : new int[] {2, 3, 4, 8, 16}) {
                        Kernels k = KernelVariants.simd(bits, threads);
                        float[] y = y0.clone();
                        k.sgemv(Transpose.NONE, m, n, 0.7f, a, 2, lda, x, 1, beta, y, 5);
                        if (!Arrays.equals(expected, y)) {
                            fail(k.describe() + ": " + m + "x" + n + " beta " + beta + " differs from one thread");
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void betaZeroDoesNotReadYAndAlphaZeroDoesNotReadAOrX(Kernels k) {
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] x = {1, 1, 1};
        float[] y = {Float.NaN, Float.NaN};
        k.sgemv(Transpose.NONE, 2, 3, 1f, a, 0, 3, x, 0, 0f, y, 0);
        assertEquals(6f, y[0]);
        assertEquals(15f, y[1]);
        float[] nanA = {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        float[] nanX = {Float.NaN, Float.NaN, Float.NaN};
        float[] y2 = {2f, 4f};
        k.sgemv(Transpose.NONE, 2, 3, 0f, nanA, 0, 3, nanX, 0, 0.5f, y2, 0);
        assertEquals(1f, y2[0]);
        assertEquals(2f, y2[1]);
        float[] y3 = {Float.NaN, Float.NaN, Float.NaN};
        k.sgemv(Transpose.TRANSPOSE, 2, 3, 0f, nanA, 0, 3, nanX, 0, 0f, y3, 0);
        assertEquals("[0.0, 0.0, 0.0]", Arrays.toString(y3));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void badArgumentsAreNamedBeforeAnythingIsWritten(Kernels k) {
        float[] a = new float[6];
        float[] x = new float[3];
        float[] y = {7f, 7f};
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.sgemv(Transpose.NONE, -1, 3, 1f, a, 0, 3, x, 0, 0f, y, 0)), "m");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.sgemv(Transpose.NONE, 2, 3, 1f, a, 0, 2, x, 0, 0f, y, 0)), "lda");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.sgemv(Transpose.NONE, 2, 3, 1f, a, 1, 3, x, 0, 0f, y, 0)), "a is too short");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.sgemv(Transpose.NONE, 2, 3, 1f, a, 0, 3, x, 1, 0f, y, 0)), "x is too short");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.sgemv(Transpose.TRANSPOSE, 2, 3, 1f, a, 0, 3, x, 0, 0f, y, 0)), "y is too short");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.sgemv(Transpose.NONE, 2, 3, 1f, a, 0, 3, x, -1, 0f, y, 0)), "xOffset");
        assertMessage(assertThrows(NullPointerException.class,
                () -> k.sgemv(Transpose.NONE, 2, 3, 1f, null, 0, 3, x, 0, 0f, y, 0)), "a");
        assertEquals("[7.0, 7.0]", Arrays.toString(y));
    }

    private static void assertMessage(Exception e, String part) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(part), () -> "'" + e.getMessage()
                + "' should name " + part);
    }

    /** One call with offsets and a padded lda; checks every output and that nothing else moved. */
    private static void check(Kernels k, Random rnd, Transpose t, int m, int n, float alpha, float beta) {
        int lda = Math.max(1, n) + rnd.nextInt(3);
        int aOff = rnd.nextInt(4);
        int xOff = rnd.nextInt(4);
        int yOff = rnd.nextInt(4);
        boolean tr = t == Transpose.TRANSPOSE;
        int xLen = tr ? m : n;
        int yLen = tr ? n : m;
        float[] a = new float[aOff + (m == 0 ? 0 : (m - 1) * lda + n) + 3];
        Arrays.fill(a, Float.NaN);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[aOff + i * lda + j] = rnd.nextFloat() * 2 - 1;
            }
        }
        if (m == 0 || n == 0) {
            Arrays.fill(a, 0f);
        }
        float[] x = new float[xOff + xLen + 2];
        Arrays.fill(x, Float.NaN);
        for (int j = 0; j < xLen; j++) {
            x[xOff + j] = rnd.nextFloat() * 2 - 1;
        }
        float[] y = new float[yOff + yLen + 3];
        Arrays.fill(y, SENTINEL);
        for (int i = 0; i < yLen; i++) {
            y[yOff + i] = beta == 0f ? Float.NaN : rnd.nextFloat() * 2 - 1;
        }
        float[] y0 = y.clone();
        k.sgemv(t, m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
        for (int q = 0; q < y.length; q++) {
            if (q < yOff || q >= yOff + yLen) {
                assertEquals(SENTINEL, y[q], "outside the window at " + q);
            }
        }
        double eps = Math.ulp(1f);
        for (int i = 0; i < yLen; i++) {
            double sum = 0;
            double abs = 0;
            for (int j = 0; j < xLen; j++) {
                double aij = tr ? a[aOff + j * lda + i] : a[aOff + i * lda + j];
                sum += aij * x[xOff + j];
                abs += Math.abs(aij * x[xOff + j]);
            }
            double prev = beta == 0f ? 0 : y0[yOff + i];
            double expected = alpha == 0f || xLen == 0 ? beta * prev : alpha * sum + beta * prev;
            double bound = (xLen + 3) * eps * (Math.abs(alpha) * abs + Math.abs(beta * prev)) + 1e-30;
            double err = Math.abs(y[yOff + i] - expected);
            if (!(err <= bound)) {
                fail(k.describe() + " " + t + " m=" + m + " n=" + n + " alpha=" + alpha + " beta=" + beta
                        + ": y[" + i + "] = " + y[yOff + i] + ", expected " + expected + " (error " + err
                        + " > bound " + bound + ")");
            }
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }
}
