package dev.lanes.kernel.simd;

import dev.lanes.kernel.gemm.GemmKernels;
import dev.lanes.kernel.gemm.Packing;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM kernels for one vector width; Gemm128 and Gemm512 are generated from this file by
 * ci/gen-widths (only the class name and the species differ), because C2 turns the Vector API into
 * vector instructions only where the species is a compile-time constant. The micro-tile is 6×(2·L)
 * with L float lanes: 12 accumulators, two packed B vectors and one broadcast per k step, 12 FMAs
 * per 8 loads —
 * <ul>
 * <li>512 bits (AVX-512, L = 16): 6×32, 15 of 32 zmm registers — but the 512-bit GEMM uses
 * {@link Gemm512Tall}, which extends the generated class with a 12×32 tile (24 accumulators) that
 * only AVX-512's 32 registers can hold; hence these classes are not final;</li>
 * <li>256 bits (AVX2, L = 8): 6×16, 15 of the 16 ymm registers AVX2 has, the classic AVX2 shape;</li>
 * <li>128 bits (SSE/NEON, L = 4): 6×8, within SSE's 16 registers and NEON's 32.</li>
 * </ul>
 * Every method stays compilable by C1 (larger tiles ran C1 out of registers, and tiered
 * compilation could then leave them in slow C1 code; {@code C1CompilabilityTest} checks).
 */
class Gemm256 implements GemmKernels {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void tile(int kc, float[] a, int aOffset, float[] b, int bOffset,
                     float alpha, float[] c, int cOffset, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z;
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
        }
        put(c00, alpha, c, cOffset);
        put(c01, alpha, c, cOffset + L);
        put(c10, alpha, c, cOffset + ldc);
        put(c11, alpha, c, cOffset + ldc + L);
        put(c20, alpha, c, cOffset + 2 * ldc);
        put(c21, alpha, c, cOffset + 2 * ldc + L);
        put(c30, alpha, c, cOffset + 3 * ldc);
        put(c31, alpha, c, cOffset + 3 * ldc + L);
        put(c40, alpha, c, cOffset + 4 * ldc);
        put(c41, alpha, c, cOffset + 4 * ldc + L);
        put(c50, alpha, c, cOffset + 5 * ldc);
        put(c51, alpha, c, cOffset + 5 * ldc + L);
    }

    @Override
    public void tileBeta(int kc, float[] a, int aOffset, float[] b, int bOffset,
                         float alpha, float beta, float[] c, int cOffset, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z;
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
        }
        // Vector API calls directly, no helper: here even the 25-byte put() helpers were left
        // out of line (NodeCountInliningCutoff) and every accumulator was boxed.
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
    }

    @Override
    public void packBTransposed(float[] b, int bOffset, int ldb, int p0, int kc, int j0, int nc, float[] dst,
                                int[] rowOffsets, float[] scratch) {
        int full = nc / NR * NR;
        for (int s = 0; s < full / NR; s++) {
            int base = s * kc * NR;
            // Element (p, q) of the panel is b[(j0 + s·NR + q)·ldb + p0 + p]: for each p, two gathers
            // of L rows each, at offsets q·ldb.
            int src0 = bOffset + (j0 + s * NR) * ldb + p0;
            int src1 = src0 + L * ldb;
            for (int p = 0; p < kc; p++) {
                FloatVector.fromArray(S, b, src0 + p, rowOffsets, 0).intoArray(dst, base + p * NR);
                FloatVector.fromArray(S, b, src1 + p, rowOffsets, 0).intoArray(dst, base + p * NR + L);
            }
        }
        if (full < nc) {
            Packing.packB(true, b, bOffset, ldb, p0, kc, j0 + full, nc - full, NR, dst, full * kc);
        }
    }

    @Override
    public void packB(float[] b, int bOffset, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
        int full = nc / NR;
        // Row by row of B, across all panels: each stored row is read as one contiguous run, which
        // the hardware prefetcher follows; panel by panel, every NR-float piece was in a new 4 KiB
        // page at large ldb and the copy ran at the speed of memory latency (measured 1024×1024
        // B: 0.62 ms against 1.0 ms panel by panel).
        for (int p = 0; p < kc; p++) {
            int src = bOffset + (p0 + p) * ldb + j0;
            int d = p * NR;
            for (int s = 0; s < full; s++, src += NR, d += kc * NR) {
                FloatVector.fromArray(S, b, src).intoArray(dst, d);
                FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
            }
        }
        int cols = nc - full * NR;
        if (cols > 0) {
            // Masked-off lanes load as zero: the padding the micro-kernel expects.
            VectorMask<Float> m0 = S.indexInRange(0, cols);
            VectorMask<Float> m1 = S.indexInRange(L, cols);
            int src = bOffset + p0 * ldb + j0 + full * NR;
            for (int p = 0, d = full * kc * NR; p < kc; p++, src += ldb, d += NR) {
                FloatVector.fromArray(S, b, src, m0).intoArray(dst, d);
                FloatVector.fromArray(S, b, src + L, m1).intoArray(dst, d + L);
            }
        }
    }

    @Override
    public void packA(boolean transA, float[] a, int aOffset, int lda, int i0, int mc, int p0, int kc, float[] dst,
                      int[] sliverOffsets) {
        int mr = mr();
        int kv = kc - kc % L;
        for (int s = 0, i = i0; i < i0 + mc; s++, i += mr) {
            int base = s * kc * mr;
            if (transA) {
                // The mr values of one p are contiguous in storage: one masked copy per L of them.
                for (int r0 = 0; r0 < mr; r0 += L) {
                    VectorMask<Float> inSliver = S.indexInRange(r0, mr);
                    int src = aOffset + p0 * lda + i + r0;
                    for (int p = 0, d = base + r0; p < kc; p++, src += lda, d += mr) {
                        FloatVector.fromArray(S, a, src, inSliver).intoArray(dst, d, inSliver);
                    }
                }
            } else {
                // Each row is read contiguously, L values of p at a time, and scattered with
                // stride mr (a gather across the rows instead was slower: rows lda apart).
                for (int r = 0; r < mr; r++) {
                    int src = aOffset + (i + r) * lda + p0;
                    int d = base + r;
                    int p = 0;
                    for (; p < kv; p += L) {
                        FloatVector.fromArray(S, a, src + p).intoArray(dst, d + p * mr, sliverOffsets, 0);
                    }
                    for (; p < kc; p++) {
                        dst[d + p * mr] = a[src + p];
                    }
                }
            }
        }
    }

    @Override
    public void mergeTile(int rows, int cols, float[] tile, float beta, float[] c, int cOffset, int ldc) {
        // A method of its own, called after tile(): with the beta stores inside tile() as well, C2
        // hit NodeCountInliningCutoff and boxed the accumulators of the beta path.
        if (cols == NR) {
            FloatVector vb = FloatVector.broadcast(S, beta);
            for (int i = 0, t = 0, r = cOffset; i < rows; i++, t += NR, r += ldc) {
                FloatVector.fromArray(S, c, r).fma(vb, FloatVector.fromArray(S, tile, t)).intoArray(c, r);
                FloatVector.fromArray(S, c, r + L).fma(vb, FloatVector.fromArray(S, tile, t + L)).intoArray(c, r + L);
            }
            return;
        }
        for (int i = 0, t = 0, r = cOffset; i < rows; i++, t += NR, r += ldc) {
            for (int j = 0; j < cols; j++) {
                c[r + j] = Math.fma(c[r + j], beta, tile[t + j]);
            }
        }
    }

    // The helpers that take vectors are kept under HotSpot's MaxInlineSize (35 bytes of bytecode)
    // so they are inlined even on cold paths: a vector passed to a call that is not inlined must be
    // boxed, and C2 then allocates a boxed vector per operation (an early version of this kernel
    // did, and ran ~10x slower after a recompilation).

    /** beta == 0: c = alpha·s, C not read. */
    private static void put(FloatVector s, float alpha, float[] c, int off) {
        s.mul(alpha).intoArray(c, off);
    }

    /** c = fma(c, beta, alpha·s). */
    private static void put(FloatVector s, float alpha, FloatVector beta, float[] c, int off) {
        FloatVector.fromArray(S, c, off).fma(beta, s.mul(alpha)).intoArray(c, off);
    }

    private static void store(float s, float alpha, float beta, float[] c, int off) {
        float r = alpha * s;
        c[off] = beta == 0f ? r : Math.fma(c[off], beta, r);
    }

    @Override
    public void rowTimesMatrix(int k, int n, float alpha, float[] a, int aOffset, int aStride,
                               float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int ai = aOffset;
            int bi = bOffset + j;
            for (int p = 0; p < k; p++, ai += aStride, bi += ldb) {
                FloatVector x = FloatVector.broadcast(S, a[ai]);
                s0 = x.fma(FloatVector.fromArray(S, b, bi), s0);
                s1 = x.fma(FloatVector.fromArray(S, b, bi + L), s1);
                s2 = x.fma(FloatVector.fromArray(S, b, bi + 2 * L), s2);
                s3 = x.fma(FloatVector.fromArray(S, b, bi + 3 * L), s3);
            }
            int o = cOffset + j;
            if (beta == 0f) {
                put(s0, alpha, c, o);
                put(s1, alpha, c, o + L);
                put(s2, alpha, c, o + 2 * L);
                put(s3, alpha, c, o + 3 * L);
            } else {
                FloatVector vb = FloatVector.broadcast(S, beta);
                put(s0, alpha, vb, c, o);
                put(s1, alpha, vb, c, o + L);
                put(s2, alpha, vb, c, o + 2 * L);
                put(s3, alpha, vb, c, o + 3 * L);
            }
        }
        for (; j + L <= n; j += L) {
            FloatVector s0 = FloatVector.zero(S);
            int ai = aOffset;
            int bi = bOffset + j;
            for (int p = 0; p < k; p++, ai += aStride, bi += ldb) {
                s0 = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, bi), s0);
            }
            if (beta == 0f) {
                put(s0, alpha, c, cOffset + j);
            } else {
                put(s0, alpha, FloatVector.broadcast(S, beta), c, cOffset + j);
            }
        }
        for (; j < n; j++) {
            float s = 0f;
            int ai = aOffset;
            int bi = bOffset + j;
            for (int p = 0; p < k; p++, ai += aStride, bi += ldb) {
                s = Math.fma(a[ai], b[bi], s);
            }
            store(s, alpha, beta, c, cOffset + j);
        }
    }

    @Override
    public void dots(int rows, int cols, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                     float alpha, float beta, float[] c, int cOffset, int ldc, float[] scratch) {
        int kv = k - k % L;
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int a0 = aOffset + i * lda;
            int c0 = cOffset + i * ldc;
            int j = 0;
            for (; j + 3 <= cols; j += 3) {
                dot4x3(k, kv, a, a0, lda, b, bOffset + j * ldb, ldb, alpha, beta, c, c0 + j, ldc, scratch);
            }
            for (; j < cols; j++) {
                for (int r = 0; r < 4; r++) {
                    dot1(k, kv, a, a0 + r * lda, b, bOffset + j * ldb, alpha, beta, c, c0 + r * ldc + j, scratch);
                }
            }
        }
        for (; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                dot1(k, kv, a, aOffset + i * lda, b, bOffset + j * ldb, alpha, beta, c, cOffset + i * ldc + j,
                        scratch);
            }
        }
    }

    /** A 4×3 block of dot products: 12 accumulators, 7 loads per 12 FMAs. */
    private static void dot4x3(int k, int kv, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                               float alpha, float beta, float[] c, int c0, int ldc, float[] w) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s10 = z, s11 = z, s12 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s30 = z, s31 = z, s32 = z;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int b1 = b0 + ldb, b2 = b1 + ldb;
        for (int p = 0; p < kv; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
            s32 = x.fma(y2, s32);
        }
        s00.intoArray(w, 0);
        s01.intoArray(w, L);
        s02.intoArray(w, 2 * L);
        s10.intoArray(w, 3 * L);
        s11.intoArray(w, 4 * L);
        s12.intoArray(w, 5 * L);
        s20.intoArray(w, 6 * L);
        s21.intoArray(w, 7 * L);
        s22.intoArray(w, 8 * L);
        s30.intoArray(w, 9 * L);
        s31.intoArray(w, 10 * L);
        s32.intoArray(w, 11 * L);
        finish(w, 0, k, kv, a, a0, b, b0, alpha, beta, c, c0);
        finish(w, L, k, kv, a, a0, b, b1, alpha, beta, c, c0 + 1);
        finish(w, 2 * L, k, kv, a, a0, b, b2, alpha, beta, c, c0 + 2);
        finish(w, 3 * L, k, kv, a, a1, b, b0, alpha, beta, c, c0 + ldc);
        finish(w, 4 * L, k, kv, a, a1, b, b1, alpha, beta, c, c0 + ldc + 1);
        finish(w, 5 * L, k, kv, a, a1, b, b2, alpha, beta, c, c0 + ldc + 2);
        finish(w, 6 * L, k, kv, a, a2, b, b0, alpha, beta, c, c0 + 2 * ldc);
        finish(w, 7 * L, k, kv, a, a2, b, b1, alpha, beta, c, c0 + 2 * ldc + 1);
        finish(w, 8 * L, k, kv, a, a2, b, b2, alpha, beta, c, c0 + 2 * ldc + 2);
        finish(w, 9 * L, k, kv, a, a3, b, b0, alpha, beta, c, c0 + 3 * ldc);
        finish(w, 10 * L, k, kv, a, a3, b, b1, alpha, beta, c, c0 + 3 * ldc + 1);
        finish(w, 11 * L, k, kv, a, a3, b, b2, alpha, beta, c, c0 + 3 * ldc + 2);
    }

    private static void dot1(int k, int kv, float[] a, int a0, float[] b, int b0,
                             float alpha, float beta, float[] c, int ci, float[] w) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            s = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, b, b0 + p), s);
        }
        s.intoArray(w, 0);
        finish(w, 0, k, kv, a, a0, b, b0, alpha, beta, c, ci);
    }

    /**
     * Sums the L lane sums stored at w[wo..] in lane order, adds the k mod L tail in order, scales
     * and stores one element. The lanes are summed by hand rather than with reduceLanes, whose
     * order is unspecified and differs between the interpreter, C1 and C2: the same call could
     * otherwise round differently before and after the JIT compiles it.
     */
    private static void finish(float[] w, int wo, int k, int kv, float[] a, int a0, float[] b, int b0,
                               float alpha, float beta, float[] c, int ci) {
        float sum = w[wo];
        for (int l = 1; l < L; l++) {
            sum += w[wo + l];
        }
        for (int p = kv; p < k; p++) {
            sum = Math.fma(a[a0 + p], b[b0 + p], sum);
        }
        store(sum, alpha, beta, c, ci);
    }
}
