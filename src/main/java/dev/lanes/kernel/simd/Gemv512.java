// Generated from Gemv256.java by ci/gen-widths: edit that file, then rerun the script.
package dev.lanes.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector products with 256-bit vectors (see {@link VectorGemv}). Nothing is packed: a
 * batch of one reads each weight once, so the product is bound by reading A, and copying it first
 * would only add traffic.
 */
final class Gemv512 implements VectorGemv {

    static final Gemv512 INSTANCE = new Gemv512();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = S.length();

    private Gemv512() {
    }

    @Override
    public int vectorBits() {
        return S.vectorBitSize();
    }

    @Override
    public void rowDots(int m, int n, float alpha, float[] a, int aOffset, int lda, float[] x, int xOffset,
                        float beta, float[] y, int yOffset, float[] w) {
        int nv = n - n % L;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            dots4(n, nv, alpha, a, aOffset + i * lda, lda, x, xOffset, beta, y, yOffset + i, w);
        }
        for (; i < m; i++) {
            dot1(n, nv, alpha, a, aOffset + i * lda, x, xOffset, beta, y, yOffset + i, w);
        }
    }

    /** Four rows at once: each x vector is loaded once for four FMAs. */
    private static void dots4(int n, int nv, float alpha, float[] a, int a0, int lda, float[] x, int x0,
                              float beta, float[] y, int yi, float[] w) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < nv; p += L) {
            FloatVector v = FloatVector.fromArray(S, x, x0 + p);
            s0 = FloatVector.fromArray(S, a, a0 + p).fma(v, s0);
            s1 = FloatVector.fromArray(S, a, a1 + p).fma(v, s1);
            s2 = FloatVector.fromArray(S, a, a2 + p).fma(v, s2);
            s3 = FloatVector.fromArray(S, a, a3 + p).fma(v, s3);
        }
        s0.intoArray(w, 0);
        s1.intoArray(w, L);
        s2.intoArray(w, 2 * L);
        s3.intoArray(w, 3 * L);
        finish(w, 0, n, nv, alpha, a, a0, x, x0, beta, y, yi);
        finish(w, L, n, nv, alpha, a, a1, x, x0, beta, y, yi + 1);
        finish(w, 2 * L, n, nv, alpha, a, a2, x, x0, beta, y, yi + 2);
        finish(w, 3 * L, n, nv, alpha, a, a3, x, x0, beta, y, yi + 3);
    }

    private static void dot1(int n, int nv, float alpha, float[] a, int a0, float[] x, int x0,
                             float beta, float[] y, int yi, float[] w) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < nv; p += L) {
            s = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, x, x0 + p), s);
        }
        s.intoArray(w, 0);
        finish(w, 0, n, nv, alpha, a, a0, x, x0, beta, y, yi);
    }

    /**
     * Adds up the L lane sums at w[wo..] in lane order, then the n mod L tail, and stores one
     * output. By hand rather than with reduceLanes, whose order differs between the interpreter,
     * C1 and C2: the same call must give the same bits before and after the JIT compiles it.
     */
    private static void finish(float[] w, int wo, int n, int nv, float alpha, float[] a, int a0,
                               float[] x, int x0, float beta, float[] y, int yi) {
        float sum = w[wo];
        for (int l = 1; l < L; l++) {
            sum += w[wo + l];
        }
        for (int p = nv; p < n; p++) {
            sum = Math.fma(a[a0 + p], x[x0 + p], sum);
        }
        store(sum, alpha, beta, y, yi);
    }

    private static void store(float sum, float alpha, float beta, float[] y, int yi) {
        float r = alpha * sum;
        y[yi] = beta == 0f ? r : Math.fma(y[yi], beta, r);
    }

    @Override
    public void columnSweep(int m, int n, float alpha, float[] a, int aOffset, int lda, float[] x, int xOffset,
                            float beta, float[] y, int yOffset) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            sweep4(m, alpha, a, aOffset + j, lda, x, xOffset, beta, y, yOffset + j);
        }
        for (; j + L <= n; j += L) {
            FloatVector s = FloatVector.zero(S);
            int ai = aOffset + j;
            for (int i = 0; i < m; i++, ai += lda) {
                s = FloatVector.broadcast(S, x[xOffset + i]).fma(FloatVector.fromArray(S, a, ai), s);
            }
            put(s, alpha, beta, y, yOffset + j);
        }
        for (; j < n; j++) {
            float s = 0f;
            int ai = aOffset + j;
            for (int i = 0; i < m; i++, ai += lda) {
                s = Math.fma(x[xOffset + i], a[ai], s);
            }
            store(s, alpha, beta, y, yOffset + j);
        }
    }

    /** 4·L adjacent outputs in registers, down all m rows. */
    private static void sweep4(int m, float alpha, float[] a, int a0, int lda, float[] x, int x0,
                               float beta, float[] y, int y0) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int ai = a0;
        for (int i = 0; i < m; i++, ai += lda) {
            FloatVector v = FloatVector.broadcast(S, x[x0 + i]);
            s0 = v.fma(FloatVector.fromArray(S, a, ai), s0);
            s1 = v.fma(FloatVector.fromArray(S, a, ai + L), s1);
            s2 = v.fma(FloatVector.fromArray(S, a, ai + 2 * L), s2);
            s3 = v.fma(FloatVector.fromArray(S, a, ai + 3 * L), s3);
        }
        put(s0, alpha, beta, y, y0);
        put(s1, alpha, beta, y, y0 + L);
        put(s2, alpha, beta, y, y0 + 2 * L);
        put(s3, alpha, beta, y, y0 + 3 * L);
    }

    private static void put(FloatVector s, float alpha, float beta, float[] y, int yi) {
        FloatVector r = s.mul(alpha);
        if (beta != 0f) {
            r = FloatVector.fromArray(S, y, yi).fma(FloatVector.broadcast(S, beta), r);
        }
        r.intoArray(y, yi);
    }
}
