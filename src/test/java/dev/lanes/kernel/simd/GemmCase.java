package dev.lanes.kernel.simd;

import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One sblat3-style GEMM case: operands stored at an offset with padded leading dimensions, the
 * padding of A and B filled with NaN (a read outside the window poisons the result), the padding of
 * C with a sentinel that must survive, C filled with NaN when beta == 0 (it must not be read), and
 * the expected value computed in double.
 */
final class GemmCase {
    static final float SENTINEL = -12345.5f;
    static final float EPS = Math.ulp(1f);

    final boolean ta;
    final boolean tb;
    final int m;
    final int n;
    final int k;
    final float alpha;
    final float beta;
    final int lda;
    final int ldb;
    final int ldc;
    final int aOff;
    final int bOff;
    final int cOff;
    final float[] a;
    final float[] b;
    final float[] c0;

    GemmCase(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, long seed) {
        this(ta, tb, m, n, k, alpha, beta, seed, 3, false);
    }

    /**
     * @param pad     extra columns of every leading dimension (0 = tight)
     * @param integer small integer values, so every implementation's result is exact
     */
    GemmCase(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, long seed, int pad,
             boolean integer) {
        this.ta = ta;
        this.tb = tb;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        Random r = new Random(seed);
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        lda = Math.max(1, aCols) + pad;
        ldb = Math.max(1, bCols) + pad;
        ldc = Math.max(1, n) + pad;
        aOff = pad == 0 ? 0 : 5;
        bOff = pad == 0 ? 0 : 2;
        cOff = pad == 0 ? 0 : 7;
        a = matrix(r, aOff, aRows, aCols, lda, Float.NaN, integer);
        b = matrix(r, bOff, bRows, bCols, ldb, Float.NaN, integer);
        c0 = matrix(r, cOff, m, n, ldc, SENTINEL, integer);
        if (beta == 0f) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c0[cOff + i * ldc + j] = Float.NaN;
                }
            }
        }
    }

    private static float[] matrix(Random r, int off, int rows, int cols, int ld, float fill, boolean integer) {
        int len = off + Math.max(0, rows) * ld + 4;
        float[] x = new float[len];
        java.util.Arrays.fill(x, fill);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[off + i * ld + j] = integer ? r.nextInt(7) - 3 : (float) (r.nextGaussian());
            }
        }
        return x;
    }

    float opA(int i, int p) {
        return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    float opB(int p, int j) {
        return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    /** Runs the case on a copy of C and returns the result. */
    float[] run(Kernels kernels) {
        float[] c = c0.clone();
        kernels.sgemm(ta ? Transpose.TRANSPOSE : Transpose.NONE, tb ? Transpose.TRANSPOSE : Transpose.NONE,
                m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        return c;
    }

    /**
     * Checks the window against the double-precision value with sblat3's error ratio: the error
     * divided by eps·(|alpha|·Σ|a||b| + |beta|·|c|) must not exceed k + 2 (a rigorous bound for any
     * order of float summation with fused or unfused multiply-adds, plus the final scaling). Also
     * checks that nothing outside the window changed.
     */
    void check(float[] c, String what) {
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            int i = rel >= 0 ? rel / ldc : -1;
            int j = rel >= 0 ? rel % ldc : -1;
            boolean inside = i >= 0 && i < m && j < n;
            if (!inside) {
                if (Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    fail(what + ": element " + idx + " outside the window changed from " + c0[idx] + " to " + c[idx]);
                }
                continue;
            }
            double exact = 0;
            double mag = 0;
            for (int p = 0; p < k; p++) {
                double t = (double) opA(i, p) * opB(p, j);
                exact += t;
                mag += Math.abs(t);
            }
            double cij = beta == 0f ? 0 : c0[idx];
            double expected = alpha * exact + beta * cij;
            double scale = Math.abs(alpha) * mag + Math.abs(beta) * Math.abs(cij);
            double err = Math.abs(c[idx] - expected);
            double ratio = scale == 0 ? err : err / (EPS * scale);
            if (!(ratio <= k + 2)) {
                fail(what + ": C[" + i + "][" + j + "] = " + c[idx] + " but expected " + expected
                        + " (error ratio " + ratio + " > " + (k + 2) + ")");
            }
        }
    }

    /** Checks bit-for-bit equality with another result (for exact integer cases or determinism). */
    static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + " but expected " + expected[i]);
            }
        }
    }

    @Override
    public String toString() {
        return (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                + " beta=" + beta;
    }
}
