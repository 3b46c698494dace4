package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The SIMD element-wise kernels against the scalar reference at every forced vector width, over
 * lengths around the vector length (0, 1, lanes ± 1, multiples ± 1, primes), non-zero offsets and
 * padded leading dimensions. Every array carries a sentinel outside the window the call may
 * write, and the sentinel must survive bit for bit.
 */
class ElementwiseKernelsTest {

    private static final float SENTINEL = -7777.25f;
    private static final int PAD = 5;
    private static final Kernels REF = Kernels.reference();

    private static Kernels simd(int bits) {
        // Kernels.create refuses a width the CPU lacks (it would run the slow generic fallback).
        assumeTrue(bits <= VectorKernels.preferredVectorBits(), bits + "-bit vectors not supported here");
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, 1, null));
        assertEquals(bits, k.vectorBits());
        return k;
    }

    /** Lengths that exercise empty, masked-only, full-vector and 4-vector paths of a width. */
    private static int[] lengths(int bits) {
        int l = bits / 32;
        return IntStream.of(0, 1, 2, 3, l - 1, l, l + 1, 2 * l - 1, 2 * l + 1, 4 * l - 1, 4 * l, 4 * l + 1,
                        5 * l + 3, 8 * l + l - 1, 7, 13, 31, 97, 257)
                .filter(n -> n >= 0).distinct().sorted().toArray();
    }

    /** An array of offset + n + PAD elements: sentinels around n random values in [lo, hi). */
    private static float[] vector(SplittableRandom rnd, int offset, int n, double lo, double hi) {
        float[] a = new float[offset + n + PAD];
        Arrays.fill(a, SENTINEL);
        for (int i = 0; i < n; i++) {
            a[offset + i] = (float) rnd.nextDouble(lo, hi);
        }
        return a;
    }

    /** A rows×cols window with leading dimension ld at offset; padding and margins hold sentinels. */
    private static float[] matrix(SplittableRandom rnd, int offset, int rows, int cols, int ld, double lo, double hi) {
        float[] a = new float[offset + rows * ld + PAD];
        Arrays.fill(a, SENTINEL);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                a[offset + i * ld + j] = (float) rnd.nextDouble(lo, hi);
            }
        }
        return a;
    }

    private static void assertBitsEqual(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + ": index " + i + " want " + want[i] + " got " + got[i]);
            }
        }
    }

    /** got and want agree within ulps, and every sentinel (want == SENTINEL) is untouched. */
    private static void assertUlps(float[] want, float[] got, long ulps, String what) {
        for (int i = 0; i < want.length; i++) {
            if (want[i] == SENTINEL ? got[i] != SENTINEL : AccuracySweep.ulpDistance(want[i], got[i]) > ulps) {
                fail(what + ": index " + i + " want " + want[i] + " got " + got[i]);
            }
        }
    }

    // ---------------------------------------------------------------- unary and binary vectors

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void activationsMatchTheReference(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(bits);
        for (int n : lengths(bits)) {
            for (int off : new int[] {0, 3}) {
                String at = bits + "-bit n=" + n + " off=" + off;
                float[] x = vector(rnd, off, n, -30, 30);
                float[] want = x.clone();
                float[] got = x.clone();
                REF.exp(n, want, off);
                k.exp(n, got, off);
                assertUlps(want, got, VectorMathTest.EXP_MAX_ULPS, "exp " + at);

                want = x.clone();
                got = x.clone();
                REF.sigmoid(n, want, off);
                k.sigmoid(n, got, off);
                assertUlps(want, got, VectorMathTest.SIGMOID_MAX_ULPS, "sigmoid " + at);

                want = x.clone();
                got = x.clone();
                REF.tanh(n, want, off);
                k.tanh(n, got, off);
                assertUlps(want, got, VectorMathTest.TANH_MAX_ULPS, "tanh " + at);

                want = x.clone();
                got = x.clone();
                if (n > 1) {
                    want[off] = got[off] = -0f;
                    want[off + 1] = got[off + 1] = Float.NaN;
                }
                REF.relu(n, want, off);
                k.relu(n, got, off);
                assertBitsEqual(want, got, "relu " + at);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void axpyScaleAndDerivativesMatch(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(31 + bits);
        for (int n : lengths(bits)) {
            int xo = 2;
            int yo = 5;
            String at = bits + "-bit n=" + n;
            float[] x = vector(rnd, xo, n, -3, 3);
            float[] y = vector(rnd, yo, n, -3, 3);

            // axpy rounds once: exactly Math.fma per element.
            float alpha = -0.7f;
            float[] got = y.clone();
            k.axpy(n, alpha, x, xo, got, yo);
            float[] want = y.clone();
            for (int i = 0; i < n; i++) {
                want[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
            }
            assertBitsEqual(want, got, "axpy " + at);

            want = x.clone();
            got = x.clone();
            REF.scale(n, 1.3f, want, xo);
            k.scale(n, 1.3f, got, xo);
            assertBitsEqual(want, got, "scale " + at);
            got = x.clone();
            if (n > 0) {
                got[xo] = Float.NaN;
                got[xo + n - 1] = Float.POSITIVE_INFINITY;
            }
            want = got.clone();
            Arrays.fill(want, xo, xo + n, 0f);
            k.scale(n, 0f, got, xo);
            assertBitsEqual(want, got, "scale by 0 " + at);

            // Activations in [0, 1] (sigmoid) and [-1, 1] (tanh), with the saturated ends.
            float[] a = vector(rnd, xo, n, 0, 1);
            if (n > 2) {
                a[xo] = 1f;
                a[xo + 1] = 0f;
            }
            want = y.clone();
            got = y.clone();
            REF.sigmoidBackward(n, a, xo, want, yo);
            k.sigmoidBackward(n, a, xo, got, yo);
            assertBitsEqual(want, got, "sigmoidBackward " + at);

            float[] t = vector(rnd, xo, n, -1, 1);
            if (n > 2) {
                t[xo] = -1f;
                t[xo + 1] = Math.nextDown(1f);
            }
            got = y.clone();
            k.tanhBackward(n, t, xo, got, yo);
            want = y.clone();
            for (int i = 0; i < n; i++) {
                // One rounding of 1 − a², one of the product: within 1 ulp of the exact value.
                double exact = y[yo + i] * (1.0 - (double) t[xo + i] * t[xo + i]);
                want[yo + i] = (float) exact;
            }
            assertUlps(want, got, 1, "tanhBackward " + at);

            float[] r = vector(rnd, xo, n, -1, 1);
            if (n > 2) {
                r[xo] = 0f;
                r[xo + 1] = Float.NaN;
            }
            want = y.clone();
            got = y.clone();
            REF.reluBackward(n, r, xo, want, yo);
            k.reluBackward(n, r, xo, got, yo);
            assertBitsEqual(want, got, "reluBackward " + at);
        }
    }

    // ---------------------------------------------------------------- matrices

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void addRowVectorAndColumnSumsMatchExactly(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(77 + bits);
        for (int cols : lengths(bits)) {
            for (int rows : new int[] {0, 1, 2, 7, 33}) {
                int ld = cols + 3;
                int off = 4;
                String at = bits + "-bit " + rows + "x" + cols;
                float[] x = matrix(rnd, off, rows, cols, ld, -2, 2);
                float[] v = vector(rnd, 1, cols, -1, 1);
                float[] want = x.clone();
                float[] got = x.clone();
                REF.addRowVector(rows, cols, v, 1, want, off, ld);
                k.addRowVector(rows, cols, v, 1, got, off, ld);
                assertBitsEqual(want, got, "addRowVector " + at);

                // Column sums are accumulated in row order by both, so they agree bit for bit.
                float[] outWant = vector(rnd, 2, cols, 5, 6);
                float[] outGot = outWant.clone();
                REF.columnSums(rows, cols, x, off, ld, outWant, 2);
                k.columnSums(rows, cols, x, off, ld, outGot, 2);
                assertBitsEqual(outWant, outGot, "columnSums " + at);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void standardizeMatchesExactlyAndFindsTheSameFirstNonFiniteValue(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(91 + bits);
        for (int cols : lengths(bits)) {
            for (int rows : new int[] {0, 1, 2, 7, 33}) {
                for (int spoiled = 0; spoiled < 3; spoiled++) {
                    int ldx = cols + 3;
                    int ldy = cols + 1;
                    int off = 4;
                    String at = bits + "-bit " + rows + "x" + cols + (spoiled > 0 ? " spoiled " + spoiled : "");
                    float[] x = matrix(rnd, off, rows, cols, ldx, -100, 100);
                    float[] mean = vector(rnd, 1, cols, -3, 3);
                    float[] std = vector(rnd, 2, cols, 1e-3, 30);
                    if (spoiled > 0 && rows > 0 && cols > 0) {
                        // A NaN, an infinity and a zero deviation at random places.
                        x[off + rnd.nextInt(rows) * ldx + rnd.nextInt(cols)] = Float.NaN;
                        x[off + rnd.nextInt(rows) * ldx + rnd.nextInt(cols)] = Float.NEGATIVE_INFINITY;
                        if (spoiled == 2) {
                            std[2 + rnd.nextInt(cols)] = 0f;
                        }
                    }
                    float[] want = matrix(rnd, 0, rows, cols, ldy, 0, 1);
                    float[] got = want.clone();
                    int badWant = REF.standardize(rows, cols, x, off, ldx, mean, 1, std, 2, want, 0, ldy);
                    int badGot = k.standardize(rows, cols, x, off, ldx, mean, 1, std, 2, got, 0, ldy);
                    assertEquals(badWant, badGot, "first non-finite position " + at);
                    assertEquals(spoiled > 0 && rows > 0 && cols > 0, badGot >= 0, "a non-finite value found " + at);
                    assertBitsEqual(want, got, "standardize " + at);

                    float[] inPlace = x.clone();
                    assertEquals(badWant, k.standardize(rows, cols, inPlace, off, ldx, mean, 1, std, 2,
                            inPlace, off, ldx), "in place " + at);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            int w = Float.floatToIntBits(want[i * ldy + j]);
                            int g = Float.floatToIntBits(inPlace[off + i * ldx + j]);
                            if (w != g) {
                                fail("standardize in place " + at + " (" + i + "," + j + ")");
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void softmaxRowsMatchesAndNeverOverflows(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(5 + bits);
        for (int cols : lengths(bits)) {
            for (int rows : new int[] {1, 3}) {
                int ld = cols + 2;
                String at = bits + "-bit " + rows + "x" + cols;
                float[] x = matrix(rnd, 1, rows, cols, ld, -8, 8);
                if (cols > 2) {
                    x[1] = 1e30f;            // a huge logit: the row becomes one-hot
                    x[2] = -1e30f;
                    x[1 + ld] = 88.5f;       // logits whose exponentials would overflow unshifted
                    x[2 + ld] = 100f;
                }
                float[] want = x.clone();
                float[] got = x.clone();
                REF.softmaxRows(rows, cols, want, 1, ld);
                k.softmaxRows(rows, cols, got, 1, ld);
                for (int i = 0; i < got.length; i++) {
                    float w = want[i];
                    float g = got[i];
                    // Shifted logits are rounded to float before exp: about |x − max|·2⁻²⁴ relative.
                    boolean ok = w == SENTINEL ? g == SENTINEL : Math.abs(g - w) <= 2e-6 * w + 1e-37;
                    assertTrue(ok, "softmaxRows " + at + " index " + i + " want " + w + " got " + g);
                }
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    for (int j = 0; j < cols; j++) {
                        s += got[1 + r * ld + j];
                    }
                    if (cols > 0) {
                        assertEquals(1.0, s, 1e-5, "row sum " + at);
                    }
                }
            }
        }
    }

    /**
     * Within one width, softmaxRows is exactly: the row's max, the exp kernel on x − max, the
     * float sum of those in column order, and one division each — for rows shorter than a vector
     * (kept in one register) and longer ones (stored and read back) alike.
     */
    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void softmaxRowsIsExpThenColumnOrderSumThenDivision(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(15 + bits);
        for (int cols : lengths(bits)) {
            // 37 rows, two leading dimensions (rows stored end to end, and padded).
            for (int ld : new int[] {Math.max(1, cols), cols + 3}) {
                int rows = 37;
                float[] x = matrix(rnd, 2, rows, cols, ld, -30, 30);
                if (cols > 2) {
                    x[3] = 1e30f;
                    x[2 + ld + 1] = -1e30f;
                    x[2 + 2 * ld] = 88.5f;
                    x[2 + 20 * ld + 1] = Float.NaN; // row 20 becomes NaN throughout
                }
                float[] want = x.clone();
                for (int r = 0; r < rows; r++) {
                    int row = 2 + r * ld;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) {
                        max = Math.max(max, x[row + j]);
                    }
                    for (int j = 0; j < cols; j++) {
                        want[row + j] = x[row + j] - max;
                    }
                    k.exp(cols, want, row);
                    float total = 0f;
                    for (int j = 0; j < cols; j++) {
                        total += want[row + j];
                    }
                    for (int j = 0; j < cols; j++) {
                        want[row + j] /= total;
                    }
                }
                float[] got = x.clone();
                k.softmaxRows(rows, cols, got, 2, ld);
                assertBitsEqual(want, got, bits + "-bit softmaxRows " + rows + "x" + cols + " ld " + ld);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void mseLossMatches(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(9 + bits);
        for (int cols : lengths(bits)) {
            for (int rows : new int[] {1, 2, 5}) {
                int n = rows * cols;
                String at = bits + "-bit " + rows + "x" + cols;
                float[] a = vector(rnd, 3, n, -1, 2);
                float[] y = vector(rnd, 1, n, 0, 1);
                float[] gWant = vector(rnd, 2, n, 0, 1);
                float[] gGot = gWant.clone();
                double want = REF.mseLoss(rows, cols, a, 3, y, 1, gWant, 2);
                double got = k.mseLoss(rows, cols, a, 3, y, 1, gGot, 2);
                // Exact squares summed in double by both: only the order of the sum differs.
                assertEquals(want, got, 1e-13 * Math.max(1, want), "mse " + at);
                assertBitsEqual(gWant, gGot, "mse grad " + at);
                assertEquals(want, k.mseLoss(rows, cols, a, 3, y, 1, null, 0), 1e-13 * Math.max(1, want));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void softmaxCrossEntropyMatches(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(13 + bits);
        for (int cols : lengths(bits)) {
            if (cols == 0) {
                continue;
            }
            for (int rows : new int[] {1, 4}) {
                int n = rows * cols;
                String at = bits + "-bit " + rows + "x" + cols;
                float[] z = vector(rnd, 2, n, -6, 6);
                float[] y = vector(rnd, 1, n, 0, 1);
                Arrays.fill(y, 1, 1 + n, 0f);
                for (int r = 0; r < rows; r++) {
                    y[1 + r * cols + rnd.nextInt(cols)] = 1f;   // one-hot
                }
                if (rows > 1 && cols > 1) {
                    // A probability that underflows to 0 on the target class: the loss stays finite.
                    z[2] = 300f;
                    y[1] = 0f;
                    y[2] = 1f;
                    z[3] = -300f;
                    // A soft target row.
                    Arrays.fill(y, 1 + cols, 1 + 2 * cols, 1f / cols);
                }
                float[] gWant = vector(rnd, 0, n, 0, 1);
                float[] gGot = gWant.clone();
                float[] zWant = z.clone();
                float[] zGot = z.clone();
                double want = REF.softmaxCrossEntropy(rows, cols, zWant, 2, y, 1, gWant, 0);
                double got = k.softmaxCrossEntropy(rows, cols, zGot, 2, y, 1, gGot, 0);
                assertTrue(Double.isFinite(got), "loss " + at + " = " + got);
                assertEquals(want, got, 1e-6 * Math.max(1, Math.abs(want)), "loss " + at);
                for (int i = 0; i < zGot.length; i++) {
                    float w = zWant[i];
                    float g = zGot[i];
                    boolean ok = w == SENTINEL ? g == SENTINEL : Math.abs(g - w) <= 2e-6 * w + 1e-37;
                    assertTrue(ok, "softmax " + at + " index " + i + " want " + w + " got " + g);
                }
                for (int i = 0; i < n; i++) {
                    // The gradient is (P − Y)/rows from the kernel's own P, and close to the reference's.
                    assertEquals((zGot[2 + i] - y[1 + i]) * (1f / rows), gGot[i], "grad " + at + " index " + i);
                    assertEquals(gWant[i], gGot[i], 2e-6, "grad vs reference " + at + " index " + i);
                }
                assertEquals(SENTINEL, gGot[n]);
                float[] zNoGrad = z.clone();
                assertEquals(got, k.softmaxCrossEntropy(rows, cols, zNoGrad, 2, y, 1, null, 0), 0.0);
            }
        }
    }
}
