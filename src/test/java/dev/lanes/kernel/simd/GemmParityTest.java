package dev.lanes.kernel.simd;

import dev.lanes.kernel.GemmProblem;
import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;
import dev.lanes.kernel.gemm.Blocking;
import dev.lanes.kernel.gemm.Gemm;
import dev.lanes.kernel.gemm.GemmKernels;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * sblat3-style parity of the SIMD GEMM against a double-precision oracle and the scalar reference,
 * at every forced vector width, over sizes placed on the boundaries of this implementation: vector
 * lanes, the register tile MR×NR, the cache blocks KC/MC/NC, the skinny-path thresholds, and primes.
 */
class GemmParityTest {

    private static final float[] ALPHAS = {1f, 0.7f, -1f};
    private static final float[] BETAS = {0f, 1f, 1.3f};

    private static Kernels simd(int bits) {
        assumeTrue(bits <= VectorKernels.preferredVectorBits(), bits + "-bit vectors not supported here");
        return Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, 1, null));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void awkwardSmallAndMediumShapes(KernelRegistry width) {
        int bits = width.bits();
        Kernels simd = simd(bits);
        GemmKernels g = VectorKernels.gemmKernels(width);
        int lanes = g.lanes();
        int mr = g.mr();
        int nr = g.nr();
        int edge = g.edgeRows();
        // 2·mr + edge: a last sliver of exactly the edge tile's rows (batch 32 at 512 bits), which
        // the edge tile writes straight into C; edge ± 1 around its limit.
        int[] ms = {1, 2, lanes - 1, lanes + 1, mr - 1, mr + 1, nr + 1, 2 * mr + 1, 31, 37, edge, 2 * mr + edge,
                mr + edge + 1};
        int[] ns = {1, 2, 10, lanes - 1, lanes + 1, nr - 1, nr, nr + 1, Blocking.SKINNY_N + 1, 47};
        int kc = width.blocking().kc();
        int[] ks = {1, 3, lanes - 1, lanes, lanes + 1, 29, kc - 1, kc, kc + 1};
        Set<Gemm.Path> seen = EnumSet.noneOf(Gemm.Path.class);
        long seed = bits;
        for (int im = 0; im < ms.length; im++) {
            for (int in = 0; in < ns.length; in++) {
                int m = Math.max(1, ms[im]);
                int n = Math.max(1, ns[in]);
                int k = Math.max(1, ks[(im + 2 * in) % ks.length]);
                float alpha = ALPHAS[(im + in) % 3];
                float beta = BETAS[in % 3];
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    GemmProblem<float[]> gc = GemmProblem.of(ta, tb, m, n, k, alpha, beta, seed++);
                    gc.verify(gc.runOnCopy(simd), bits + "-bit " + gc);
                    seen.add(Gemm.path(tb, m, n, k));
                }
            }
        }
        assertEquals(EnumSet.allOf(Gemm.Path.class), seen, "every path exercised");
    }

    /**
     * The edge tile computes the first edgeRows rows of the full tile from the same packed sliver:
     * the same bits in those rows, and nothing written below them.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void edgeTileHasTheBitsOfTheFullTilesFirstRows(KernelRegistry width) {
        assumeTrue(width.bits() <= VectorKernels.preferredVectorBits(), width.bits() + "-bit vectors not supported here");
        GemmKernels g = VectorKernels.gemmKernels(width);
        var d = VectorKernels.doubleGemmKernels(width);
        SplittableRandom r = new SplittableRandom(width.bits());
        for (int kc : new int[] {1, 2, 7, 64, width.blocking().kc()}) {
            int off = 3;
            int ldc = g.nr() + 5;
            float[] a = new float[off + g.mr() * kc];
            float[] b = new float[off + g.nr() * kc];
            double[] ad = new double[off + d.mr() * kc];
            double[] bd = new double[off + d.nr() * kc];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextDouble(-1, 1);
                ad[i] = r.nextDouble(-1, 1);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextDouble(-1, 1);
            }
            for (int i = 0; i < bd.length; i++) {
                bd[i] = r.nextDouble(-1, 1);
            }
            float[] full = new float[g.mr() * ldc];
            float[] edge = new float[g.mr() * ldc];
            java.util.Arrays.fill(edge, Float.NaN);
            g.tile(kc, a, off, b, off, 0.7f, full, 0, ldc);
            g.tileEdge(kc, a, off, b, off, 0.7f, edge, 0, ldc);
            double[] fullD = new double[d.mr() * ldc];
            double[] edgeD = new double[d.mr() * ldc];
            java.util.Arrays.fill(edgeD, Double.NaN);
            d.tile(kc, ad, off, bd, off, 0.7, fullD, 0, ldc);
            d.tileEdge(kc, ad, off, bd, off, 0.7, edgeD, 0, ldc);
            for (int i = 0; i < g.mr(); i++) {
                for (int j = 0; j < ldc; j++) {
                    String at = width + " kc " + kc + " row " + i + " column " + j;
                    boolean written = i < g.edgeRows() && j < g.nr();
                    assertEquals(written ? Float.floatToRawIntBits(full[i * ldc + j]) : Float.floatToRawIntBits(Float.NaN),
                            Float.floatToRawIntBits(edge[i * ldc + j]), "float " + at);
                    boolean writtenD = i < d.edgeRows() && j < d.nr();
                    assertEquals(writtenD ? Double.doubleToRawLongBits(fullD[i * ldc + j])
                                    : Double.doubleToRawLongBits(Double.NaN),
                            Double.doubleToRawLongBits(edgeD[i * ldc + j]), "double " + at);
                }
            }
        }
    }

    /**
     * A row of C depends on its row of A alone, so its bits must not depend on how many rows the
     * product has: whether a full tile, an edge tile, or the two edge tiles that end a block of
     * whole slivers plus a few rows computed it, and in which row block. Every m from 2 to past
     * three slivers and the block boundaries (m = 256 ends its second block in 8 + 8 rows at
     * 512 bits) is compared with the first m rows of a 500-row product, in float and double, with
     * beta 0 and with beta 1.3 over two k blocks.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void rowBitsDoNotDependOnTheRowCount(KernelRegistry width) {
        Kernels simd = simd(width.bits());
        GemmKernels g = VectorKernels.gemmKernels(width);
        int mr = g.mr();
        int mc = width.blocking().mc();
        java.util.TreeSet<Integer> ms = new java.util.TreeSet<>();
        for (int m = 2; m <= 3 * mr + g.edgeRows() + 2; m++) {
            ms.add(m);
        }
        for (int m : new int[] {mc - 1, mc, mc + 1, mc + 4, 256, 2 * mc + 4, 484}) {
            ms.add(m);
        }
        int big = 500;
        int n = 2 * g.nr() + 5;
        SplittableRandom r = new SplittableRandom(41 + width.bits());
        for (int k : new int[] {37, width.blocking().kc() + 3}) {
            float beta = k == 37 ? 0f : 1.3f;
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    float[] a = new float[big * k];
                    float[] b = new float[k * n];
                    float[] c0 = new float[big * n];
                    for (float[] x : new float[][] {a, b, c0}) {
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) r.nextDouble(-1, 1);
                        }
                    }
                    double[] ad = widen(a);
                    double[] bd = widen(b);
                    int ldb = tb == Transpose.NONE ? n : k;
                    float[] want = c0.clone();
                    double[] wantD = widen(c0);
                    // A stored m×k (lda k) or, transposed, k×big (lda big): the first m rows of op(A) are
                    // the first m columns of the stored matrix, so every m reads the same values.
                    int lda = ta == Transpose.NONE ? k : big;
                    simd.sgemm(ta, tb, big, n, k, 0.7f, a, 0, lda, b, 0, ldb, beta, want, 0, n);
                    simd.dgemm(ta, tb, big, n, k, 0.7, ad, 0, lda, bd, 0, ldb, beta, wantD, 0, n);
                    for (int m : ms) {
                        float[] got = c0.clone();
                        double[] gotD = widen(c0);
                        simd.sgemm(ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, beta, got, 0, n);
                        simd.dgemm(ta, tb, m, n, k, 0.7, ad, 0, lda, bd, 0, ldb, beta, gotD, 0, n);
                        for (int i = 0; i < m * n; i++) {
                            String at = width + " " + ta + "," + tb + " m " + m + " k " + k + " row " + i / n
                                    + " column " + i % n;
                            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "float " + at);
                            assertEquals(Double.doubleToRawLongBits(wantD[i]), Double.doubleToRawLongBits(gotD[i]),
                                    "double " + at);
                        }
                        for (int i = m * n; i < big * n; i++) {
                            assertEquals(Float.floatToRawIntBits(c0[i]), Float.floatToRawIntBits(got[i]),
                                    width + " m " + m + ": C written past its rows at " + i);
                        }
                    }
                }
            }
        }
    }

    /**
     * The dot-product path (n ≤ SKINNY_N, B stored n×k) computes C in blocks of 4 rows and 5, 3, 2
     * or 1 columns, chosen by the width and by n; a row of fewer than 4 takes one dot product per
     * element. Every block must sum each element exactly as that single dot product does: each row
     * of a 9-row product, for every n from 1 to 13 and k with and without a tail of k mod lanes,
     * has the bits of the same row computed alone (m = 1), in float and double.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void dotProductBlocksSumEachElementAsOneDotProduct(KernelRegistry width) {
        Kernels simd = simd(width.bits());
        int lanes = VectorKernels.gemmKernels(width).lanes();
        SplittableRandom r = new SplittableRandom(59 + width.bits());
        int m = 9;
        for (int k : new int[] {Blocking.SKINNY_MIN_K + 2 * lanes, Blocking.SKINNY_MIN_K + 2 * lanes + 3}) {
            for (int n = 1; n <= 13; n++) {
                assertEquals(Gemm.Path.DOTS, Gemm.path(true, m, n, k), "shape on the dot-product path");
                for (Transpose ta : Transpose.values()) {
                    float[] a = new float[m * k];
                    float[] b = new float[n * k];
                    float[] c0 = new float[m * n];
                    for (float[] x : new float[][] {a, b, c0}) {
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) r.nextDouble(-1, 1);
                        }
                    }
                    double[] ad = widen(a);
                    double[] bd = widen(b);
                    int lda = ta == Transpose.NONE ? k : m;
                    float[] all = c0.clone();
                    double[] allD = widen(c0);
                    simd.sgemm(ta, Transpose.TRANSPOSE, m, n, k, 0.7f, a, 0, lda, b, 0, k, 1.3f, all, 0, n);
                    simd.dgemm(ta, Transpose.TRANSPOSE, m, n, k, 0.7, ad, 0, lda, bd, 0, k, 1.3, allD, 0, n);
                    for (int i = 0; i < m; i++) {
                        // Row i of op(A): at i·k when stored m×k, column i (stride m) when stored k×m.
                        float[] row = new float[k];
                        for (int p = 0; p < k; p++) {
                            row[p] = ta == Transpose.NONE ? a[i * k + p] : a[p * m + i];
                        }
                        float[] one = java.util.Arrays.copyOfRange(c0, i * n, (i + 1) * n);
                        double[] oneD = widen(one);
                        simd.sgemm(Transpose.NONE, Transpose.TRANSPOSE, 1, n, k, 0.7f, row, 0, k, b, 0, k, 1.3f, one,
                                0, n);
                        simd.dgemm(Transpose.NONE, Transpose.TRANSPOSE, 1, n, k, 0.7, widen(row), 0, k, bd, 0, k, 1.3,
                                oneD, 0, n);
                        for (int j = 0; j < n; j++) {
                            String at = width + " " + ta + " n " + n + " k " + k + " row " + i + " column " + j;
                            assertEquals(Float.floatToRawIntBits(one[j]), Float.floatToRawIntBits(all[i * n + j]),
                                    "float " + at);
                            assertEquals(Double.doubleToRawLongBits(oneD[j]), Double.doubleToRawLongBits(allD[i * n + j]),
                                    "double " + at);
                        }
                    }
                }
            }
        }
    }

    private static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** Empty products: m or n == 0 leaves C alone, k == 0 scales it by beta (0 overwrites NaN). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void zeroSizes(KernelRegistry width) {
        int bits = width.bits();
        Kernels simd = simd(bits);
        int[][] shapes = {{0, 5, 3}, {4, 0, 3}, {4, 5, 0}, {0, 0, 0}, {1, 1, 0}};
        long seed = 500;
        for (int[] sh : shapes) {
            for (float beta : BETAS) {
                for (int t = 0; t < 4; t++) {
                    GemmProblem<float[]> gc = GemmProblem.of((t & 1) != 0, (t & 2) != 0, sh[0], sh[1], sh[2], 0.7f,
                            beta, seed++);
                    gc.verify(gc.runOnCopy(simd), bits + "-bit " + gc);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void cacheBlockBoundaries(KernelRegistry width) {
        int bits = width.bits();
        Kernels simd = simd(bits);
        Kernels ref = Kernels.reference();
        GemmKernels g = VectorKernels.gemmKernels(width);
        int mr = g.mr();
        int nr = g.nr();
        // n stays above the skinny threshold so these shapes take the packed path.
        int n0 = Math.max(nr, Blocking.SKINNY_N + 1);
        int[][] shapes = {
                {width.blocking().mc() + 1, n0 + 3, width.blocking().kc() + 1},
                {width.blocking().mc() - 1, n0 + nr + 1, 7},
                {width.blocking().mc(), n0, 2 * width.blocking().kc() + 3},
                {mr + 1, width.blocking().nc() + 1, 5},
                {2 * mr - 1, width.blocking().nc() - 1, 3},
        };
        long seed = 1000 + bits;
        for (int s = 0; s < shapes.length; s++) {
            int[] sh = shapes[s];
            boolean ta = (s & 1) != 0;
            boolean tb = (s & 2) != 0 || s == 4;
            GemmProblem<float[]> gc = GemmProblem.of(ta, tb, sh[0], sh[1], sh[2], ALPHAS[s % 3], BETAS[(s + 1) % 3],
                    seed++);
            assertEquals(Gemm.Path.PACKED, Gemm.path(tb, sh[0], sh[1], sh[2]), gc.toString());
            gc.verify(gc.runOnCopy(simd), bits + "-bit " + gc);
            if (s == 0) {
                gc.verify(gc.runOnCopy(ref), "reference " + gc);
            }
        }
    }

    /**
     * With small integers every partial sum is exact, so any correct order of summation gives the
     * same float: the SIMD result must equal the scalar reference bit for bit on every path.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void exactOnIntegersOnEveryPath(KernelRegistry width) {
        int bits = width.bits();
        Kernels simd = simd(bits);
        Kernels ref = Kernels.reference();
        int[][] shapes = {{1, 70, 33}, {5, 7, 9}, {64, 10, 100}, {1, 40, 77}, {50, 61, 45}, {3, 1, 1}, {100, 3, 300}};
        long seed = 7;
        for (int[] sh : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                for (float beta : new float[]{0f, 2f}) {
                    GemmProblem<float[]> gc = GemmProblem.integers(ta, tb, sh[0], sh[1], sh[2], 1f, beta, seed++, 2);
                    GemmProblem.assertSameBits(gc.runOnCopy(ref), gc.runOnCopy(simd), bits + "-bit " + gc + " path "
                            + Gemm.path(tb, sh[0], sh[1], sh[2]));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void tightLeadingDimensionsAndZeroOffsets(KernelRegistry width) {
        int bits = width.bits();
        Kernels simd = simd(bits);
        int[][] shapes = {{1, 1, 1}, {7, 33, 19}, {40, 10, 64}, {1, 100, 50}, {33, 65, 17}};
        long seed = 99;
        for (int[] sh : shapes) {
            for (int t = 0; t < 4; t++) {
                GemmProblem<float[]> gc = GemmProblem.of((t & 1) != 0 ? Transpose.TRANSPOSE : Transpose.NONE,
                        (t & 2) != 0 ? Transpose.TRANSPOSE : Transpose.NONE, sh[0], sh[1], sh[2], 0.7f, 1.3f, 0, 0,
                        new SplittableRandom(seed++));
                gc.verify(gc.runOnCopy(simd), bits + "-bit tight " + gc);
            }
        }
    }
}
