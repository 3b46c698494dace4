package dev.lanes.kernel.simd;

import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Accuracy and saturation of the vectorized exp, sigmoid and tanh, at every vector width. The
 * bounds are the worst errors of the full sweep ({@link AccuracySweep} with stride 1); the dense
 * sample here would catch any regression of the method.
 */
class VectorMathTest {

    /**
     * The widest width the CPU runs natively: the dense sweep runs there. Wider species still
     * compute correctly, through the Vector API's slow generic code, so the cheap tests run at
     * every width and the sweeps only at supported ones.
     */
    static final int WIDEST = Math.max(128, Math.min(512, VectorKernels.preferredVectorBits()));

    /** Worst errors over all normal results, measured with {@code AccuracySweep 1}. */
    static final long EXP_MAX_ULPS = 1;
    static final long SIGMOID_MAX_ULPS = 2;
    static final long TANH_MAX_ULPS = 2;
    /** Worst of the full sweeps (AccuracySweep, every float, 512 bits): GELU 3 ulp, SiLU 3 ulp. */
    static final long GELU_MAX_ULPS = 3;
    static final long SILU_MAX_ULPS = 3;

    private static float[] apply(VectorElementwise k, AccuracySweep.Function f, float... x) {
        float[] y = x.clone();
        f.apply(k, y.length, y);
        return y;
    }

    private static float exp(VectorElementwise k, float x) {
        return apply(k, AccuracySweep.Function.EXP, x)[0];
    }

    private static float sigmoid(VectorElementwise k, float x) {
        return apply(k, AccuracySweep.Function.SIGMOID, x)[0];
    }

    private static float tanh(VectorElementwise k, float x) {
        return apply(k, AccuracySweep.Function.TANH, x)[0];
    }

    // ---------------------------------------------------------------- accuracy sweeps

    @Test
    void geluAndSiluSweepAtWidestVectors() {
        // GELU's exp argument t = 2u(x) is carried as a float pair; rounded to one float it gave
        // 156 ulp in the far negative tail (|t| near 88), which this sweep covers.
        VectorElementwise k = VectorElementwise.forBits(WIDEST);
        AccuracySweep.Worst gelu = AccuracySweep.sweep(k, AccuracySweep.Function.GELU, 2039, 7);
        AccuracySweep.Worst silu = AccuracySweep.sweep(k, AccuracySweep.Function.SILU, 2039, 11);
        System.out.println(gelu + "\n" + silu);
        assertTrue(gelu.count > 1_000_000 && silu.count > 1_000_000);
        assertTrue(gelu.ulps <= GELU_MAX_ULPS, gelu.toString());
        assertTrue(silu.ulps <= SILU_MAX_ULPS, silu.toString());
        assertTrue(gelu.rel < 2.4e-7, gelu.toString());
        assertTrue(silu.rel < 3.6e-7, silu.toString());
    }

    @Test
    void geluFarNegativeTailEveryFloat() {
        // Every float in [-9.3, -7] (about 600,000): where |t| = |2u(x)| is largest while gelu(x)
        // is still normal, the region of the old 156-ulp error.
        VectorElementwise k = VectorElementwise.forBits(WIDEST);
        int from = Float.floatToIntBits(-7f);
        int to = Float.floatToIntBits(-9.3f);
        float[] x = new float[to - from + 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(from + i);
        }
        float[] y = x.clone();
        k.gelu(y.length, y, 0);
        AccuracySweep.Worst w = new AccuracySweep.Worst("gelu tail");
        for (int i = 0; i < x.length; i++) {
            w.add(x[i], y[i], AccuracySweep.Function.GELU.exact(x[i]));
        }
        System.out.println(w);
        assertTrue(w.count > 500_000, w.toString());
        assertTrue(w.ulps <= GELU_MAX_ULPS, w.toString());
    }

    @Test
    void denseSweepAtWidestVectors() {
        // About 10 million inputs per function, spread evenly over every binade of the range.
        VectorElementwise k = VectorElementwise.forBits(WIDEST);
        AccuracySweep.Worst exp = AccuracySweep.sweep(k, AccuracySweep.Function.EXP, 211, 17);
        AccuracySweep.Worst sig = AccuracySweep.sweep(k, AccuracySweep.Function.SIGMOID, 211, 5);
        AccuracySweep.Worst tanh = AccuracySweep.sweep(k, AccuracySweep.Function.TANH, 211, 3);
        System.out.println(exp + "\n" + sig + "\n" + tanh);
        assertTrue(exp.count > 10_000_000 && sig.count > 10_000_000 && tanh.count > 5_000_000);
        assertTrue(exp.ulps <= EXP_MAX_ULPS, exp.toString());
        assertTrue(sig.ulps <= SIGMOID_MAX_ULPS, sig.toString());
        assertTrue(tanh.ulps <= TANH_MAX_ULPS, tanh.toString());
        // The relative error bounds that the ulp counts imply (an ulp is at most 2^-23 relative).
        assertTrue(exp.rel < 1.2e-7, exp.toString());
        assertTrue(sig.rel < 2.4e-7, sig.toString());
        assertTrue(tanh.rel < 1.8e-7, tanh.toString());
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void everyWidthComputesBitIdenticalResults(KernelRegistry width) {
        int bits = width.bits();
        // Every lane does the same operations, so each width must agree with the widest exactly,
        // including in the masked tails of arrays whose length is not a multiple of any width.
        assumeTrue(bits != WIDEST);
        VectorElementwise wide = VectorElementwise.forBits(WIDEST);
        VectorElementwise narrow = VectorElementwise.forBits(bits);
        SplittableRandom rnd = new SplittableRandom(bits);
        int n = 100_003;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = Float.intBitsToFloat(rnd.nextInt());
        }
        for (AccuracySweep.Function f : AccuracySweep.Function.values()) {
            float[] a = apply(wide, f, x);
            float[] b = apply(narrow, f, x);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]),
                        () -> f + " differs between widths");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void resultsDoNotDependOnPositionInMainLoopOrTail(KernelRegistry width) {
        int bits = width.bits();
        // The exp code is written out in each loop and each masked tail: every copy must give the
        // same bits. Shifting the window start by 0..lanes moves each element between the two.
        VectorElementwise k = VectorElementwise.forBits(bits);
        int lanes = bits / 32;
        SplittableRandom rnd = new SplittableRandom(3 * bits);
        float[] x = new float[3 * lanes + 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-90, 90);
        }
        x[1] = Float.NaN;
        x[2] = -0f;
        x[lanes] = 1e-30f;
        for (AccuracySweep.Function f : AccuracySweep.Function.values()) {
            float[] all = apply(k, f, x);
            for (int start = 1; start <= lanes; start++) {
                for (int end = start; end <= x.length; end += 1) {
                    float[] part = x.clone();
                    f.apply(k, end - start, part, start);
                    for (int i = start; i < end; i++) {
                        assertEquals(Float.floatToIntBits(all[i]), Float.floatToIntBits(part[i]),
                                f + " at " + i + " of window [" + start + ", " + end + ")");
                    }
                }
            }
        }
        // And the softmax exponentials: a row as the tail of a longer row, or on its own.
        float[] row = new float[2 * lanes + 3];
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) rnd.nextDouble(-5, 5);
        }
        for (int cols = 1; cols <= row.length; cols++) {
            float[] a = row.clone();
            k.softmaxRows(1, cols, a, 0, cols);
            double s = 0;
            for (int j = 0; j < cols; j++) {
                assertTrue(a[j] > 0f && a[j] <= 1f);
                s += a[j];
            }
            assertEquals(1.0, s, 1e-6, "softmax row sum, cols=" + cols);
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void sparseSweepAtOtherSupportedWidths(KernelRegistry width) {
        int bits = width.bits();
        assumeTrue(bits != WIDEST && bits <= VectorKernels.preferredVectorBits());
        VectorElementwise k = VectorElementwise.forBits(bits);
        AccuracySweep.Worst exp = AccuracySweep.sweep(k, AccuracySweep.Function.EXP, 16381, 1);
        AccuracySweep.Worst sig = AccuracySweep.sweep(k, AccuracySweep.Function.SIGMOID, 16381, 2);
        AccuracySweep.Worst tanh = AccuracySweep.sweep(k, AccuracySweep.Function.TANH, 16381, 3);
        assertTrue(exp.ulps <= EXP_MAX_ULPS, exp.toString());
        assertTrue(sig.ulps <= SIGMOID_MAX_ULPS, sig.toString());
        assertTrue(tanh.ulps <= TANH_MAX_ULPS, tanh.toString());
    }

    // ---------------------------------------------------------------- exp saturation

    @Test
    void thresholdConstantsAreTheTrueFloatThresholds() {
        assertEquals(0x42B17217, Float.floatToRawIntBits(VectorMath.EXP_HI));
        assertEquals(0xC2CFF1B4, Float.floatToRawIntBits(VectorMath.EXP_LO));
        assertTrue(Float.isFinite((float) Math.exp(VectorMath.EXP_HI)));
        assertEquals(Float.POSITIVE_INFINITY, (float) Math.exp(Math.nextUp(VectorMath.EXP_HI)));
        assertEquals(Float.MIN_VALUE, (float) Math.exp(VectorMath.EXP_LO));
        assertEquals(0f, (float) Math.exp(Math.nextDown(VectorMath.EXP_LO)));
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void expSaturatesCleanly(KernelRegistry width) {
        int bits = width.bits();
        VectorElementwise k = VectorElementwise.forBits(bits);
        float hi = VectorMath.EXP_HI;
        float lo = VectorMath.EXP_LO;
        float atHi = exp(k, hi);
        assertTrue(Float.isFinite(atHi) && AccuracySweep.ulpDistance(atHi, (float) Math.exp(hi)) <= 1, "exp(hi) " + atHi);
        assertTrue(Float.isFinite(exp(k, Math.nextDown(hi))));
        assertEquals(Float.POSITIVE_INFINITY, exp(k, Math.nextUp(hi)));
        assertEquals(Float.POSITIVE_INFINITY, exp(k, 89f));
        assertEquals(Float.POSITIVE_INFINITY, exp(k, Float.MAX_VALUE));
        assertEquals(Float.POSITIVE_INFINITY, exp(k, Float.POSITIVE_INFINITY));
        assertEquals(Float.MIN_VALUE, exp(k, lo));
        assertEquals(Float.MIN_VALUE, exp(k, Math.nextUp(lo)));
        assertEquals(0f, exp(k, Math.nextDown(lo)));
        assertEquals(0f, exp(k, -104f));
        assertEquals(0f, exp(k, -Float.MAX_VALUE));
        assertEquals(0f, exp(k, Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(exp(k, Float.NaN)));
        assertTrue(Float.isNaN(exp(k, Float.intBitsToFloat(0xFFC00001))), "negative NaN payload");
        assertEquals(1f, exp(k, 0f));
        assertEquals(1f, exp(k, -0f));
        assertEquals(1f, exp(k, Float.MIN_VALUE));
        assertEquals((float) Math.E, exp(k, 1f));
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void expSubnormalResultsAreWithinOneStep(KernelRegistry width) {
        int bits = width.bits();
        // Documented rule: results below Float.MIN_NORMAL may be one subnormal step (2^-149) off,
        // never more, and never 0 where the true result rounds to a non-zero float.
        VectorElementwise k = VectorElementwise.forBits(bits);
        int from = Float.floatToRawIntBits(VectorMath.EXP_LO);
        int to = Float.floatToRawIntBits(-87.33f);
        int n = 0;
        float[] x = new float[(from - to) / 7 + 1];
        for (int b = from; b >= to; b -= 7) {
            x[n++] = Float.intBitsToFloat(b);
        }
        float[] y = apply(k, AccuracySweep.Function.EXP, Arrays.copyOf(x, n));
        for (int i = 0; i < n; i++) {
            float want = (float) Math.exp(x[i]);
            assertTrue(AccuracySweep.ulpDistance(y[i], want) <= 1, "exp(" + x[i] + ") = " + y[i] + ", want " + want);
            assertTrue(y[i] > 0f, "exp(" + x[i] + ") underflowed early");
        }
    }

    // ---------------------------------------------------------------- sigmoid and tanh saturation

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void sigmoidSaturatesWithoutNaN(KernelRegistry width) {
        int bits = width.bits();
        VectorElementwise k = VectorElementwise.forBits(bits);
        assertEquals(1f, sigmoid(k, Float.MAX_VALUE));
        assertEquals(1f, sigmoid(k, Float.POSITIVE_INFINITY));
        assertEquals(1f, sigmoid(k, 20f));
        assertEquals(0f, sigmoid(k, -Float.MAX_VALUE));
        assertEquals(0f, sigmoid(k, Float.NEGATIVE_INFINITY));
        assertEquals(0f, sigmoid(k, -110f));
        assertEquals(0.5f, sigmoid(k, 0f));
        assertEquals(0.5f, sigmoid(k, -0f));
        assertTrue(Float.isNaN(sigmoid(k, Float.NaN)));
        // Around the exp thresholds of exp(-|x|): small but positive, matching the reference.
        for (float x : new float[] {-87.3f, -88.72283f, -95f, -103.9f}) {
            float got = sigmoid(k, x);
            float want = (float) (1.0 / (1.0 + Math.exp(-(double) x)));
            assertTrue(got > 0f && AccuracySweep.ulpDistance(got, want) <= 2, "sigmoid(" + x + ") = " + got + ", want " + want);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[4099];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(rnd.nextInt() & 0x7f7fffff | (rnd.nextBoolean() ? 0x80000000 : 0));
        }
        for (float v : apply(k, AccuracySweep.Function.SIGMOID, x)) {
            assertTrue(v >= 0f && v <= 1f, "sigmoid out of [0, 1]: " + v);
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void tanhSaturatesAndKeepsRelativeAccuracyNearZero(KernelRegistry width) {
        int bits = width.bits();
        VectorElementwise k = VectorElementwise.forBits(bits);
        assertEquals(1f, tanh(k, Float.MAX_VALUE));
        assertEquals(-1f, tanh(k, -Float.MAX_VALUE));
        assertEquals(1f, tanh(k, Float.POSITIVE_INFINITY));
        assertEquals(-1f, tanh(k, Float.NEGATIVE_INFINITY));
        assertEquals(1f, tanh(k, 10f));
        assertEquals(-1f, tanh(k, -50f));
        assertTrue(Float.isNaN(tanh(k, Float.NaN)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(tanh(k, -0f)));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(tanh(k, 0f)));
        // Tiny and subnormal inputs: tanh(x) rounds to x itself.
        for (float x : new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -3e-20f, 1e-5f}) {
            assertEquals((float) Math.tanh(x), tanh(k, x), "tanh(" + x + ")");
        }
        // Both sides of the switch from the polynomial to the exponential form.
        float s = VectorMath.TANH_SMALL;
        for (float x : new float[] {Math.nextDown(s), s, Math.nextUp(s), -Math.nextDown(s), -s}) {
            assertTrue(AccuracySweep.ulpDistance(tanh(k, x), (float) Math.tanh(x)) <= TANH_MAX_ULPS, "tanh(" + x + ")");
        }
        // Odd symmetry is exact.
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = new float[1001];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-12, 12);
        }
        float[] pos = apply(k, AccuracySweep.Function.TANH, x);
        for (int i = 0; i < x.length; i++) {
            x[i] = -x[i];
        }
        float[] neg = apply(k, AccuracySweep.Function.TANH, x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(-pos[i], neg[i]);
        }
    }
}
