package dev.lanes.kernel.gemm;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PackingTest {

    /** Element (r, c) of a stored matrix encodes its position, so misplaced copies are visible. */
    private static float[] stored(int rows, int cols, int ld, int off) {
        float[] x = new float[off + rows * ld];
        Arrays.fill(x, Float.NaN);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[off + r * ld + c] = 1000 * r + c;
            }
        }
        return x;
    }

    @Test
    void packAWritesMrSliversZeroPaddedForBothLayouts() {
        int m = 11, k = 9, mr = 4, lda = 14, off = 3;
        int i0 = 2, mc = 9, p0 = 1, kc = 7; // rows 2..10, p 1..7: the last sliver holds one row
        for (boolean ta : new boolean[]{false, true}) {
            float[] a = ta ? stored(k, m, lda, off) : stored(m, k, lda, off);
            float[] dst = new float[3 * kc * mr];
            Arrays.fill(dst, -1f);
            Packing.packA(ta, a, off, lda, i0, mc, p0, kc, mr, dst);
            for (int s = 0; s < 3; s++) {
                for (int p = 0; p < kc; p++) {
                    for (int r = 0; r < mr; r++) {
                        int i = i0 + s * mr + r;
                        float want = i < i0 + mc ? (ta ? 1000 * (p0 + p) + i : 1000 * i + p0 + p) : 0f;
                        assertEquals(want, dst[(s * kc + p) * mr + r], "ta=" + ta + " s=" + s + " p=" + p + " r=" + r);
                    }
                }
            }
        }
    }

    @Test
    void packBWritesNrPanelsZeroPaddedForBothLayouts() {
        int n = 13, k = 6, nr = 8, ldb = 20, off = 5;
        int j0 = 3, nc = 10, p0 = 2, kc = 4; // columns 3..12: the second panel holds two columns
        for (boolean tb : new boolean[]{false, true}) {
            float[] b = tb ? stored(n, k, ldb, off) : stored(k, n, ldb, off);
            float[] dst = new float[2 * kc * nr];
            Arrays.fill(dst, -1f);
            Packing.packB(tb, b, off, ldb, p0, kc, j0, nc, nr, dst);
            for (int s = 0; s < 2; s++) {
                for (int p = 0; p < kc; p++) {
                    for (int q = 0; q < nr; q++) {
                        int j = j0 + s * nr + q;
                        float want = j < j0 + nc ? (tb ? 1000 * j + p0 + p : 1000 * (p0 + p) + j) : 0f;
                        assertEquals(want, dst[(s * kc + p) * nr + q], "tb=" + tb + " s=" + s + " p=" + p + " q=" + q);
                    }
                }
            }
        }
    }

    @Test
    void gatherRowsMakesRowsContiguousInK() {
        int rows = 5, k = 7, ld = 9, off = 2;
        // Rows already contiguous (column stride 1) and transposed storage (row stride 1).
        float[] plain = stored(rows, k, ld, off);
        float[] transposed = stored(k, rows, ld, off);
        float[] d1 = new float[rows * k];
        float[] d2 = new float[rows * k];
        Packing.gatherRows(plain, off, ld, 1, rows, k, d1);
        Packing.gatherRows(transposed, off, 1, ld, rows, k, d2);
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < k; p++) {
                assertEquals(1000 * r + p, d1[r * k + p]);
                assertEquals(1000 * p + r, d2[r * k + p]);
            }
        }
    }
}
