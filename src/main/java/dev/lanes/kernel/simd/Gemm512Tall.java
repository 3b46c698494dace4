package dev.lanes.kernel.simd;

import dev.lanes.kernel.gemm.Packing;
import jdk.incubator.vector.FloatVector;

/**
 * The 512-bit GEMM kernels with a 12×32 micro-tile: 24 zmm accumulators, two packed B vectors and
 * one broadcast per k step — 24 FMAs per 14 loads, against 12 per 8 for the 6×32 tile of
 * {@link Gemm512}, whose other kernels (edge merge, skinny paths, packing of A and of B stored
 * k×n) this class inherits. It also packs B stored n×k with a register transpose. AVX-512 has 32
 * vector registers, so 27 live vectors fit; AVX2's 16 would not, which is why the 256- and 128-bit
 * classes keep 6 rows.
 *
 * <p>Measured on the AVX-512 machine the library is tuned on (the micro-kernel alone over a packed
 * 480×256 A block and a 256×1024 B panel, one thread, the tiles in turns in one JVM, medians of 25
 * rounds, two runs): 118–128 GFLOP/s against 99–106 for 6×32 and 104–137 for an 8×48 tile; in the
 * whole GEMM with KC = 512, 1.15–1.30× the 6×32 tile on the large shapes. A 14×32 tile (28
 * accumulators) exceeded what C1 can compile, after which tiered compilation may leave a method
 * in slow code; this tile and its {@code tileBeta} twin compile at tier 3 and then in C2, which
 * {@code C1CompilabilityTest} and {@code C2CompilationTest} check.
 */
final class Gemm512Tall extends Gemm512 {

    static final int MR = 12;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public void tile(int kc, float[] a, int aOffset, float[] b, int bOffset,
                     float alpha, float[] c, int cOffset, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        FloatVector c80 = z, c81 = z, c90 = z, c91 = z, ca0 = z, ca1 = z, cb0 = z, cb1 = z;
        int ai = aOffset;
        int bi = bOffset;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, a[ai + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, a[ai + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, a[ai + 10]);
            ca0 = x.fma(b0, ca0);
            ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(S, a[ai + 11]);
            cb0 = x.fma(b0, cb0);
            cb1 = x.fma(b1, cb1);
        }
        int r = cOffset;
        c00.mul(alpha).intoArray(c, r);
        c01.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c10.mul(alpha).intoArray(c, r);
        c11.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c20.mul(alpha).intoArray(c, r);
        c21.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c30.mul(alpha).intoArray(c, r);
        c31.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c40.mul(alpha).intoArray(c, r);
        c41.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c50.mul(alpha).intoArray(c, r);
        c51.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c60.mul(alpha).intoArray(c, r);
        c61.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c70.mul(alpha).intoArray(c, r);
        c71.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c80.mul(alpha).intoArray(c, r);
        c81.mul(alpha).intoArray(c, r + L);
        r += ldc;
        c90.mul(alpha).intoArray(c, r);
        c91.mul(alpha).intoArray(c, r + L);
        r += ldc;
        ca0.mul(alpha).intoArray(c, r);
        ca1.mul(alpha).intoArray(c, r + L);
        r += ldc;
        cb0.mul(alpha).intoArray(c, r);
        cb1.mul(alpha).intoArray(c, r + L);
    }

    @Override
    public void tileBeta(int kc, float[] a, int aOffset, float[] b, int bOffset,
                         float alpha, float beta, float[] c, int cOffset, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        FloatVector c80 = z, c81 = z, c90 = z, c91 = z, ca0 = z, ca1 = z, cb0 = z, cb1 = z;
        int ai = aOffset;
        int bi = bOffset;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, a[ai + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, a[ai + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, a[ai + 10]);
            ca0 = x.fma(b0, ca0);
            ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(S, a[ai + 11]);
            cb0 = x.fma(b0, cb0);
            cb1 = x.fma(b1, cb1);
        }
        FloatVector vb = FloatVector.broadcast(S, beta);
        int r = cOffset;
        FloatVector.fromArray(S, c, r).fma(vb, c00.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c01.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c10.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c11.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c20.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c21.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c30.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c31.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c40.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c41.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c50.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c51.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c60.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c61.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c70.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c71.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c80.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c81.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, c90.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, c91.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, ca0.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, ca1.mul(alpha)).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(S, c, r).fma(vb, cb0.mul(alpha)).intoArray(c, r);
        FloatVector.fromArray(S, c, r + L).fma(vb, cb1.mul(alpha)).intoArray(c, r + L);
    }

    /**
     * Index vectors of one round of a 16×16 transpose by two-vector selects (vpermi2ps on
     * AVX-512): row i and row i + 8 interleave into rows 2i (their lanes 0–7) and 2i + 1 (their
     * lanes 8–15). Writing an element's position as the 8 bits (row, lane), a round rotates them
     * by one place, so four rounds swap row and lane: a transpose. Indexes ≥ 16 select from the
     * second vector.
     */
    private static final float[] INTERLEAVE_LO = new float[16];
    private static final float[] INTERLEAVE_HI = new float[16];

    static {
        for (int l = 0; l < 16; l++) {
            int from = (l % 2) * 16 + l / 2;
            INTERLEAVE_LO[l] = from;
            INTERLEAVE_HI[l] = from + 8;
        }
    }

    /**
     * B stored n×k: each 16×16 block (16 stored rows, 16 values of p) is transposed by two calls
     * of two interleave rounds each — from B into scratch, and from scratch into the panel —
     * instead of gathering every panel half-row across 16 rows of B (measured on
     * 256×784·784×512 Bᵀ, packing B: 0.18 ms against 0.27–0.30 ms gathered). Edge panels and the last
     * k mod 16 values of p take the scalar copy.
     */
    @Override
    public void packBTransposed(float[] b, int bOffset, int ldb, int p0, int kc, int j0, int nc, float[] dst,
                                int[] rowOffsets, float[] scratch) {
        int kv = kc - kc % L;
        int full = nc / NR * NR;
        for (int s = 0; s < full / NR; s++) {
            for (int half = 0; half < NR; half += L) {
                int row = bOffset + (j0 + s * NR + half) * ldb + p0;
                for (int p = 0, d = s * kc * NR + half; p < kv; p += L, d += L * NR) {
                    interleaveTwice(b, row + p, ldb, scratch, 0, L);
                    interleaveTwice(scratch, 0, L, dst, d, NR);
                }
            }
        }
        if (kv < kc || full < nc) {
            packTail(b, bOffset, ldb, p0, kc, kv, j0, nc, full, dst);
        }
    }

    /**
     * Two interleave rounds on 16 rows of 16 floats: row r is read at {@code src[from + r·ldFrom]}
     * and the result written at {@code dst[to + r·ldTo]}; two calls make a transpose. Two rounds, not four, per method: the
     * four written out in one method were more than C1 could compile ("out of virtual
     * registers"), which can leave a method in slow code ({@code C1CompilabilityTest}). No
     * vector crosses the call, so nothing is boxed if it is not inlined.
     */
    private static void interleaveTwice(float[] src, int from, int ldFrom, float[] dst, int to, int ldTo) {
        FloatVector lo = FloatVector.fromArray(S, INTERLEAVE_LO, 0);
        FloatVector hi = FloatVector.fromArray(S, INTERLEAVE_HI, 0);
        FloatVector x0 = FloatVector.fromArray(S, src, from);
        FloatVector x1 = FloatVector.fromArray(S, src, from + 1 * ldFrom);
        FloatVector x2 = FloatVector.fromArray(S, src, from + 2 * ldFrom);
        FloatVector x3 = FloatVector.fromArray(S, src, from + 3 * ldFrom);
        FloatVector x4 = FloatVector.fromArray(S, src, from + 4 * ldFrom);
        FloatVector x5 = FloatVector.fromArray(S, src, from + 5 * ldFrom);
        FloatVector x6 = FloatVector.fromArray(S, src, from + 6 * ldFrom);
        FloatVector x7 = FloatVector.fromArray(S, src, from + 7 * ldFrom);
        FloatVector x8 = FloatVector.fromArray(S, src, from + 8 * ldFrom);
        FloatVector x9 = FloatVector.fromArray(S, src, from + 9 * ldFrom);
        FloatVector x10 = FloatVector.fromArray(S, src, from + 10 * ldFrom);
        FloatVector x11 = FloatVector.fromArray(S, src, from + 11 * ldFrom);
        FloatVector x12 = FloatVector.fromArray(S, src, from + 12 * ldFrom);
        FloatVector x13 = FloatVector.fromArray(S, src, from + 13 * ldFrom);
        FloatVector x14 = FloatVector.fromArray(S, src, from + 14 * ldFrom);
        FloatVector x15 = FloatVector.fromArray(S, src, from + 15 * ldFrom);
        FloatVector y0 = lo.selectFrom(x0, x8);
        FloatVector y1 = hi.selectFrom(x0, x8);
        FloatVector y2 = lo.selectFrom(x1, x9);
        FloatVector y3 = hi.selectFrom(x1, x9);
        FloatVector y4 = lo.selectFrom(x2, x10);
        FloatVector y5 = hi.selectFrom(x2, x10);
        FloatVector y6 = lo.selectFrom(x3, x11);
        FloatVector y7 = hi.selectFrom(x3, x11);
        FloatVector y8 = lo.selectFrom(x4, x12);
        FloatVector y9 = hi.selectFrom(x4, x12);
        FloatVector y10 = lo.selectFrom(x5, x13);
        FloatVector y11 = hi.selectFrom(x5, x13);
        FloatVector y12 = lo.selectFrom(x6, x14);
        FloatVector y13 = hi.selectFrom(x6, x14);
        FloatVector y14 = lo.selectFrom(x7, x15);
        FloatVector y15 = hi.selectFrom(x7, x15);
        lo.selectFrom(y0, y8).intoArray(dst, to);
        hi.selectFrom(y0, y8).intoArray(dst, to + 1 * ldTo);
        lo.selectFrom(y1, y9).intoArray(dst, to + 2 * ldTo);
        hi.selectFrom(y1, y9).intoArray(dst, to + 3 * ldTo);
        lo.selectFrom(y2, y10).intoArray(dst, to + 4 * ldTo);
        hi.selectFrom(y2, y10).intoArray(dst, to + 5 * ldTo);
        lo.selectFrom(y3, y11).intoArray(dst, to + 6 * ldTo);
        hi.selectFrom(y3, y11).intoArray(dst, to + 7 * ldTo);
        lo.selectFrom(y4, y12).intoArray(dst, to + 8 * ldTo);
        hi.selectFrom(y4, y12).intoArray(dst, to + 9 * ldTo);
        lo.selectFrom(y5, y13).intoArray(dst, to + 10 * ldTo);
        hi.selectFrom(y5, y13).intoArray(dst, to + 11 * ldTo);
        lo.selectFrom(y6, y14).intoArray(dst, to + 12 * ldTo);
        hi.selectFrom(y6, y14).intoArray(dst, to + 13 * ldTo);
        lo.selectFrom(y7, y15).intoArray(dst, to + 14 * ldTo);
        hi.selectFrom(y7, y15).intoArray(dst, to + 15 * ldTo);
    }

    /** The values packBTransposed's 16×16 blocks leave: p ≥ kv in full panels, and the edge panel. */
    private static void packTail(float[] b, int bOffset, int ldb, int p0, int kc, int kv, int j0, int nc, int full,
                                 float[] dst) {
        for (int j = 0; j < full; j++) {
            int src = bOffset + (j0 + j) * ldb + p0;
            int d = j / NR * kc * NR + j % NR;
            for (int p = kv; p < kc; p++) {
                dst[d + p * NR] = b[src + p];
            }
        }
        if (full < nc) {
            Packing.packB(true, b, bOffset, ldb, p0, kc, j0 + full, nc - full, NR, dst, full * kc);
        }
    }
}
