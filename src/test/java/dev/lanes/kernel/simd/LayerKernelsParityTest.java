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
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernels of the layers and optimizers (multiply, sqrt, GELU, SiLU and their derivative
 * products, sum of squares, momentum and Adam updates) against the scalar reference at every
 * forced vector width, over lengths around the vector length and non-zero offsets, with sentinels
 * around every window that must survive.
 */
class LayerKernelsParityTest {

    private static final float SENTINEL = -7777.25f;
    private static final int PAD = 5;
    private static final Kernels REF = Kernels.reference();

    private static Kernels simd(int bits) {
        assumeTrue(bits <= VectorKernels.preferredVectorBits(), bits + "-bit vectors not supported here");
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, 1, null));
        assertEquals(bits, k.vectorBits());
        return k;
    }

    private static int[] lengths(int bits) {
        int l = bits / 32;
        return IntStream.of(0, 1, 2, 3, l - 1, l, l + 1, 2 * l - 1, 2 * l + 1, 4 * l + 1, 7, 13, 97, 257)
                .filter(n -> n >= 0).distinct().sorted().toArray();
    }

    private static float[] vector(SplittableRandom rnd, int offset, int n, double lo, double hi) {
        float[] a = new float[offset + n + PAD];
        Arrays.fill(a, SENTINEL);
        for (int i = 0; i < n; i++) {
            a[offset + i] = (float) rnd.nextDouble(lo, hi);
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

    /** |got − want| ≤ tol·(|want| + scale), sentinels untouched. */
    private static void assertClose(float[] want, float[] got, double tol, double scale, String what) {
        for (int i = 0; i < want.length; i++) {
            boolean ok = want[i] == SENTINEL ? got[i] == SENTINEL
                    : Math.abs(got[i] - want[i]) <= tol * (Math.abs(want[i]) + scale);
            if (!ok) {
                fail(what + ": index " + i + " want " + want[i] + " got " + got[i]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void multiplyAndSqrtAreBitIdentical(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(bits);
        for (int n : lengths(bits)) {
            int off = n % 3;
            float[] x = vector(rnd, off, n, -3, 3);
            float[] y = vector(rnd, off + 1, n, -3, 3);
            float[] want = vector(rnd, 2, n, 0, 1);
            float[] got = want.clone();
            REF.multiply(n, x, off, y, off + 1, want, 2);
            k.multiply(n, x, off, y, off + 1, got, 2);
            assertBitsEqual(want, got, bits + "-bit multiply n=" + n);
            // in place: out is x
            float[] a = x.clone();
            float[] b = x.clone();
            REF.multiply(n, a, off, y, off + 1, a, off);
            k.multiply(n, b, off, y, off + 1, b, off);
            assertBitsEqual(a, b, bits + "-bit multiply in place n=" + n);
            float[] s = vector(rnd, off, n, 0, 1e6);
            float[] t = s.clone();
            REF.sqrt(n, s, off);
            k.sqrt(n, t, off);
            assertBitsEqual(s, t, bits + "-bit sqrt n=" + n);
            assertEquals(REF.sumOfSquares(n, x, off), k.sumOfSquares(n, x, off), 0.0, "sum of squares n=" + n);
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void geluAndSiluMatchTheReference(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(7 * bits);
        for (int n : lengths(bits)) {
            int off = (n + 1) % 4;
            float[] x = vector(rnd, off, n, -12, 12);
            for (boolean gelu : new boolean[] {true, false}) {
                String name = bits + "-bit " + (gelu ? "gelu" : "silu") + " n=" + n;
                float[] want = x.clone();
                float[] got = x.clone();
                if (gelu) {
                    REF.gelu(n, want, off);
                    k.gelu(n, got, off);
                } else {
                    REF.silu(n, want, off);
                    k.silu(n, got, off);
                }
                // Relative to the output's scale: near the zero of x·σ(t) an ulp count means little.
                assertClose(want, got, 2e-6, 1e-6, name);
                float[] d = vector(rnd, 1, n, -2, 2);
                float[] dWant = d.clone();
                float[] dGot = d.clone();
                if (gelu) {
                    REF.geluBackward(n, x, off, dWant, 1);
                    k.geluBackward(n, x, off, dGot, 1);
                } else {
                    REF.siluBackward(n, x, off, dWant, 1);
                    k.siluBackward(n, x, off, dGot, 1);
                }
                assertClose(dWant, dGot, 2e-6, 0.1, name + " backward");   // |d| ≤ 2: absolute slack where g′ ≈ 0
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void adamUpdateIsBitIdenticalWithAndWithoutDecay(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(11 * bits);
        for (int n : lengths(bits)) {
            int off = n % 5;
            for (float wd : new float[] {0f, 0.01f}) {
                float[] g = vector(rnd, off, n, -1, 1);
                float[] m = vector(rnd, off, n, -0.1, 0.1);
                float[] v = vector(rnd, off, n, 0, 0.01);
                float[] p = vector(rnd, off, n, -1, 1);
                float[] m2 = m.clone();
                float[] v2 = v.clone();
                float[] p2 = p.clone();
                REF.adamUpdate(n, 1e-3f, 0.9f, 0.999f, 1.5f, 20f, 1e-8f, wd, g, m, v, p, off);
                k.adamUpdate(n, 1e-3f, 0.9f, 0.999f, 1.5f, 20f, 1e-8f, wd, g, m2, v2, p2, off);
                String what = bits + "-bit adam wd=" + wd + " n=" + n;
                assertBitsEqual(m, m2, what + " m");
                assertBitsEqual(v, v2, what + " v");
                assertBitsEqual(p, p2, what + " params");
            }
        }
    }

    /** The documented promise: a momentum step equals scale, axpy, axpy of the same kernels, bit for bit. */
    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void momentumUpdateEqualsScaleAxpyAxpy(KernelRegistry width) {
        int bits = width.bits();
        SplittableRandom rnd = new SplittableRandom(13 * bits);
        for (Kernels k : new Kernels[] {REF, simd(bits)}) {
            for (int n : lengths(bits)) {
                int off = n % 3;
                float[] g = vector(rnd, off, n, -1, 1);
                float[] v = vector(rnd, off, n, -0.5, 0.5);
                float[] p = vector(rnd, off, n, -1, 1);
                float[] v2 = v.clone();
                float[] p2 = p.clone();
                k.momentumUpdate(n, 0.05f, 0.9f, 0f, g, v, p, off);
                k.scale(n, 0.9f, v2, off);
                k.axpy(n, 1f, g, off, v2, off);
                k.axpy(n, -0.05f, v2, off, p2, off);
                assertBitsEqual(v2, v, k.name() + " " + bits + " momentum v n=" + n);
                assertBitsEqual(p2, p, k.name() + " " + bits + " momentum params n=" + n);
            }
        }
        // With L2 decay, SIMD against the reference: the last step differs only by the fused rounding.
        Kernels k = simd(bits);
        for (int n : lengths(bits)) {
            float[] g = vector(rnd, 0, n, -1, 1);
            float[] v = vector(rnd, 0, n, -0.5, 0.5);
            float[] p = vector(rnd, 0, n, -1, 1);
            float[] v2 = v.clone();
            float[] p2 = p.clone();
            REF.momentumUpdate(n, 0.05f, 0.9f, 0.01f, g, v, p, 0);
            k.momentumUpdate(n, 0.05f, 0.9f, 0.01f, g, v2, p2, 0);
            assertBitsEqual(v, v2, bits + " momentum+decay v n=" + n);
            assertClose(p, p2, 1e-6, 0.01, bits + " momentum+decay params n=" + n);
        }
    }
}
