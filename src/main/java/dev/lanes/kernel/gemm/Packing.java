package dev.lanes.kernel.gemm;

import java.util.Arrays;

/**
 * Copies blocks of op(A) and op(B) into the contiguous, zero-padded layouts the micro-kernel
 * streams through. The transposes are absorbed here: both layouts are produced directly from the
 * stored matrix in either orientation, so no transposed copy of an operand is ever made.
 */
public final class Packing {

    private Packing() {
    }

    /**
     * Packs rows i0..i0+mc-1, columns p0..p0+kc-1 of op(A) into slivers of mr rows: sliver s holds,
     * for each p in 0..kc-1, the mr values op(A)(i0 + s·mr + r, p0 + p) at
     * {@code dst[(s·kc + p)·mr + r]}. Rows past mc are zero, so the micro-kernel needs no masks.
     *
     * @param transA whether A is stored k×m (op(A) = Aᵀ) rather than m×k
     */
    public static void packA(boolean transA, float[] a, int aOffset, int lda, int i0, int mc, int p0, int kc,
                             int mr, float[] dst) {
        packA(transA, a, aOffset, lda, i0, mc, p0, kc, mr, dst, 0);
    }

    /** {@link #packA(boolean, float[], int, int, int, int, int, int, int, float[])} into dst from dstOffset. */
    public static void packA(boolean transA, float[] a, int aOffset, int lda, int i0, int mc, int p0, int kc,
                             int mr, float[] dst, int dstOffset) {
        for (int s = 0, i = i0; i < i0 + mc; s++, i += mr) {
            int rows = Math.min(mr, i0 + mc - i);
            int base = dstOffset + s * kc * mr;
            if (transA) {
                // op(A)(i, p) = a[p*lda + i]: the mr values of one p are contiguous in storage.
                int src = aOffset + p0 * lda + i;
                for (int p = 0; p < kc; p++, src += lda) {
                    int d = base + p * mr;
                    System.arraycopy(a, src, dst, d, rows);
                    if (rows < mr) {
                        Arrays.fill(dst, d + rows, d + mr, 0f);
                    }
                }
            } else {
                // op(A)(i, p) = a[i*lda + p]: read each row contiguously, write with stride mr.
                for (int r = 0; r < rows; r++) {
                    int src = aOffset + (i + r) * lda + p0;
                    int d = base + r;
                    for (int p = 0; p < kc; p++, d += mr) {
                        dst[d] = a[src + p];
                    }
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0, d = base + r; p < kc; p++, d += mr) {
                        dst[d] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs rows p0..p0+kc-1, columns j0..j0+nc-1 of op(B) into micro-panels of nr columns:
     * panel s holds, for each p in 0..kc-1, the nr values op(B)(p0 + p, j0 + s·nr + q) at
     * {@code dst[(s·kc + p)·nr + q]}. Columns past nc are zero.
     *
     * @param transB whether B is stored n×k (op(B) = Bᵀ) rather than k×n
     */
    public static void packB(boolean transB, float[] b, int bOffset, int ldb, int p0, int kc, int j0, int nc,
                             int nr, float[] dst) {
        packB(transB, b, bOffset, ldb, p0, kc, j0, nc, nr, dst, 0);
    }

    /** {@link #packB(boolean, float[], int, int, int, int, int, int, int, float[])} into dst from dstOffset. */
    public static void packB(boolean transB, float[] b, int bOffset, int ldb, int p0, int kc, int j0, int nc,
                             int nr, float[] dst, int dstOffset) {
        for (int s = 0, j = j0; j < j0 + nc; s++, j += nr) {
            int cols = Math.min(nr, j0 + nc - j);
            int base = dstOffset + s * kc * nr;
            if (!transB) {
                int src = bOffset + p0 * ldb + j;
                for (int p = 0; p < kc; p++, src += ldb) {
                    int d = base + p * nr;
                    System.arraycopy(b, src, dst, d, cols);
                    if (cols < nr) {
                        Arrays.fill(dst, d + cols, d + nr, 0f);
                    }
                }
            } else {
                // op(B)(p, j) = b[j*ldb + p]: read each stored row contiguously, write with stride nr.
                for (int q = 0; q < cols; q++) {
                    int src = bOffset + (j + q) * ldb + p0;
                    int d = base + q;
                    for (int p = 0; p < kc; p++, d += nr) {
                        dst[d] = b[src + p];
                    }
                }
                for (int q = cols; q < nr; q++) {
                    for (int p = 0, d = base + q; p < kc; p++, d += nr) {
                        dst[d] = 0f;
                    }
                }
            }
        }
    }

    /**
     * What a vector {@code packB(true, …)} leaves to scalar code when it transposes blocks of kv
     * values of p in its first {@code full} columns (a multiple of nr): p ≥ kv in those columns'
     * panels, and the whole of the panel past them. Writes the same values {@link #packB} would.
     */
    public static void packBTransposedTail(float[] b, int bOffset, int ldb, int p0, int kc, int kv, int j0, int nc,
                                           int full, int nr, float[] dst, int dstOffset) {
        for (int j = 0; j < full; j++) {
            int src = bOffset + (j0 + j) * ldb + p0;
            int d = dstOffset + j / nr * kc * nr + j % nr;
            for (int p = kv; p < kc; p++) {
                dst[d + p * nr] = b[src + p];
            }
        }
        if (full < nc) {
            packB(true, b, bOffset, ldb, p0, kc, j0 + full, nc - full, nr, dst, dstOffset + full * kc);
        }
    }

    /**
     * Copies rows×k of a matrix whose element (r, p) is at {@code src[offset + r·rowStride + p·colStride]}
     * into {@code dst} row-major with leading dimension k: the k-contiguous layout of the dot-product
     * path.
     */
    public static void gatherRows(float[] src, int offset, int rowStride, int colStride, int rows, int k,
                                  float[] dst) {
        if (colStride == 1) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, offset + r * rowStride, dst, r * k, k);
            }
            return;
        }
        // Transposed storage: walk the source contiguously (over r) and scatter with stride k.
        for (int p = 0; p < k; p++) {
            int s = offset + p * colStride;
            for (int r = 0, d = p; r < rows; r++, d += k) {
                dst[d] = src[s + r * rowStride];
            }
        }
    }
}
