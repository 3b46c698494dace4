package dev.lanes.kernel;

import dev.lanes.kernel.gemm.Blocking;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * sgemm conformance in the manner of the reference BLAS test program sblat3 (Reference-LAPACK
 * BLAS/TESTING): every transpose pair, several alpha and beta, sizes over the awkward values
 * (0, 1, lane counts ± 1, primes, register-tile and cache-block boundaries ± 1), offsets and padded
 * leading dimensions whose padding must survive, and a double-precision expected value judged by
 * an error ratio (see {@link GemmProblem#ratioBound}). Runs against every implementation.
 */
class GemmConformanceTest {

    private static final Transpose[] TRANSPOSES = Transpose.values();
    private static final float[] ALPHAS = {0f, 1f, 0.7f, -1f};
    private static final float[] BETAS = {0f, 1f, 1.3f};

    /** sblat3's default size list: every m, n, k combination, every alpha, beta and transpose. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void smallSizesEveryCombination(Kernels kernels) {
        int[] sizes = {0, 1, 2, 3, 5, 9};
        SplittableRandom rnd = new SplittableRandom(3);
        int count = 0;
        for (Transpose ta : TRANSPOSES) {
            for (Transpose tb : TRANSPOSES) {
                for (int m : sizes) {
                    for (int n : sizes) {
                        for (int k : sizes) {
                            for (float alpha : ALPHAS) {
                                for (float beta : BETAS) {
                                    // Rotate through the layouts rather than multiply the grid by them.
                                    int layout = count++ % 4;
                                    int offset = (layout & 1) == 0 ? 0 : 3;
                                    int pad = (layout & 2) == 0 ? 0 : 2;
                                    check(kernels, GemmProblem.of(ta, tb, m, n, k, alpha, beta, offset, pad, rnd));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Each of m, n and k in turn over lane counts ± 1 (4, 8, 16 float lanes for 128-, 256- and
     * 512-bit vectors) and primes, the other two fixed at awkward values, plus cubes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void laneBoundarySizes(Kernels kernels) {
        int[] sizes = {3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 31, 32, 33, 37, 97};
        float[][] alphaBeta = {{1f, 0f}, {0.7f, 1.3f}, {-1f, 1f}};
        SplittableRandom rnd = new SplittableRandom(5);
        int count = 0;
        for (int s : sizes) {
            int[][] shapes = {{s, 13, 7}, {7, s, 13}, {13, 7, s}, {s, s, s}};
            for (int[] shape : shapes) {
                for (Transpose ta : TRANSPOSES) {
                    for (Transpose tb : TRANSPOSES) {
                        float[] ab = alphaBeta[count % alphaBeta.length];
                        int offset = count % 2 == 0 ? 0 : 5;
                        int pad = count % 3 == 0 ? 0 : 1 + count % 5;
                        count++;
                        check(kernels, GemmProblem.of(ta, tb, shape[0], shape[1], shape[2],
                                ab[0], ab[1], offset, pad, rnd));
                    }
                }
            }
        }
    }

    /**
     * Shapes that straddle the register tiles and cache blocks of Goto/BLIS-style kernels: MR and
     * NR multiples of 6, 8, 12, 14, 16, 32, 48 ± 1; m around 126..480; and, for every cache
     * blocking in {@link KernelRegistry}, m at MC − 1, MC, MC + 1 and 2·MC + 1, k at KC − 1, KC,
     * KC + 1, 2·KC + 1 and 3·KC + 1, n at NC + 1. Products are kept small enough for the scalar
     * reference.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void blockingBoundarySizes(Kernels kernels) {
        int[][] shapes = {
                {14, 32, 5}, {15, 33, 6}, {13, 31, 7}, {28, 64, 9}, {29, 65, 10}, {6, 48, 11},
                {8, 49, 12}, {12, 47, 13}, {32, 12, 17}, {33, 13, 17}, {17, 24, 3}, {16, 25, 4},
                {125, 9, 19}, {126, 10, 21}, {127, 11, 23}, {129, 33, 17}, {257, 5, 7}, {481, 3, 11},
                {9, 129, 13}, {7, 257, 19}, {65, 130, 129},
        };
        float[][] alphaBeta = {{0.7f, 1.3f}, {1f, 0f}};
        SplittableRandom rnd = new SplittableRandom(7);
        int count = 0;
        for (int[] shape : withCacheBlockShapes(shapes)) {
            for (Transpose ta : TRANSPOSES) {
                for (Transpose tb : TRANSPOSES) {
                    float[] ab = alphaBeta[count % 2];
                    int pad = count % 3 == 0 ? 0 : 3;
                    int offset = count % 4 < 2 ? 0 : 11;
                    count++;
                    check(kernels, GemmProblem.of(ta, tb, shape[0], shape[1], shape[2],
                            ab[0], ab[1], offset, pad, rnd));
                }
            }
        }
    }

    /** The given shapes plus those around the cache blocks of every registered width. */
    private static List<int[]> withCacheBlockShapes(int[][] fixed) {
        List<int[]> shapes = new ArrayList<>(List.of(fixed));
        Set<Blocking> blockings = new LinkedHashSet<>();
        for (KernelRegistry w : KernelRegistry.values()) {
            blockings.add(w.blocking());
        }
        for (Blocking b : blockings) {
            int mc = b.mc();
            int kc = b.kc();
            shapes.addAll(List.of(
                    new int[] {mc - 1, 9, 19}, new int[] {mc, 10, 21}, new int[] {mc + 1, 11, 23},
                    new int[] {2 * mc + 1, 3, 11},
                    new int[] {7, 9, kc - 1}, new int[] {5, 11, kc}, new int[] {13, 17, kc + 1},
                    new int[] {9, 33, 2 * kc + 1}, new int[] {3, 5, 3 * kc + 1}, new int[] {130, 33, kc + 1},
                    new int[] {3, b.nc() + 1, 5}));
        }
        return shapes;
    }

    /**
     * alpha == 0: C := beta·C, and A and B — full of NaN, window included — are never read;
     * beta == 0 as well gives exact zeros over a NaN C.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void alphaZeroReadsNeitherAnorB(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(11);
        for (Transpose ta : TRANSPOSES) {
            for (Transpose tb : TRANSPOSES) {
                for (float beta : BETAS) {
                    GemmProblem<float[]> p = GemmProblem.of(ta, tb, 37, 33, 17, 0f, beta, 2, 1, rnd);
                    check(kernels, p);
                    for (int i = 0; i < p.m; i++) {
                        for (int j = 0; j < p.n; j++) {
                            float got = p.c[p.cOffset + i * p.ldc + j];
                            if (beta == 0f) {
                                assertEquals(0f, Math.abs(got), () -> p + ": C must be exactly zero");
                            }
                        }
                    }
                }
            }
        }
    }

    /** k == 0: C := beta·C; A and B have empty windows, so even null arrays are accepted. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void kZeroScalesCOnly(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(13);
        for (Transpose ta : TRANSPOSES) {
            for (Transpose tb : TRANSPOSES) {
                for (float beta : BETAS) {
                    check(kernels, GemmProblem.of(ta, tb, 19, 23, 0, 0.7f, beta, 1, 2, rnd));
                    float[] c = GemmProblem.storage(19, 23, 0, 23, 0, 0f, rnd);
                    float[] expected = c.clone();
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = beta == 0f ? 0f : beta * expected[i];
                    }
                    kernels.sgemm(ta, tb, 19, 23, 0, 0.7f, null, 0, 19, null, 0, 23, beta, c, 0, 23);
                    // beta·c is a single rounding, so every implementation must match it exactly.
                    assertArrayEquals(expected, c, 0f, "k = 0 with null A and B, beta = " + beta);
                }
            }
        }
    }

    /** m == 0 or n == 0: nothing is read or written, whatever alpha, beta and the arrays hold. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void emptyResultIsANoOp(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(17);
        for (Transpose ta : TRANSPOSES) {
            for (Transpose tb : TRANSPOSES) {
                for (int[] mn : new int[][] {{0, 9}, {9, 0}, {0, 0}}) {
                    GemmProblem<float[]> p = GemmProblem.of(ta, tb, mn[0], mn[1], 7, 0.7f, 1.3f, 4, 1, rnd);
                    float[] before = p.c.clone();
                    p.run(kernels);
                    assertArrayEquals(before, p.c, 0f, p + " must not write C");
                    p.verify(kernels.name() + " " + p);
                }
                // An empty C window need not even exist.
                kernels.sgemm(ta, tb, 0, 5, 3, 1f, new float[25], 0, 5, new float[25], 0, 5, 0f, null, 0, 5);
            }
        }
    }

    /** beta == 0 overwrites C without reading it, even when C holds infinities or NaN. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void betaZeroNeverReadsC(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(19);
        for (Transpose ta : TRANSPOSES) {
            for (Transpose tb : TRANSPOSES) {
                GemmProblem<float[]> p = GemmProblem.of(ta, tb, 21, 35, 18, 1f, 0f, 0, 0, rnd);
                float[] poison = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
                for (int i = 0; i < p.m * p.ldc; i++) {
                    p.c[i] = poison[i % 3];
                }
                p.run(kernels);
                for (int i = 0; i < p.m * p.ldc; i++) {
                    if (!Float.isFinite(p.c[i])) {
                        throw new AssertionError(p + ": C[" + i + "] = " + p.c[i] + " came from reading C");
                    }
                }
            }
        }
    }

    /** The same problem twice gives the same bits: no state leaks between calls. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lanes.kernel.KernelVariants#all")
    void repeatedCallsAgree(Kernels kernels) {
        GemmProblem<float[]> first = GemmProblem.of(Transpose.NONE, Transpose.TRANSPOSE, 70, 90, 400, 0.7f, 0f, 0, 0,
                new SplittableRandom(23));
        first.run(kernels);
        GemmProblem<float[]> again = GemmProblem.of(Transpose.NONE, Transpose.TRANSPOSE, 70, 90, 400, 0.7f, 0f, 0, 0,
                new SplittableRandom(23));
        // A smaller call in between could leave stale packed panels behind.
        check(kernels, GemmProblem.of(Transpose.TRANSPOSE, Transpose.NONE, 5, 3, 2, 1f, 1f, 0, 0,
                new SplittableRandom(29)));
        again.run(kernels);
        assertArrayEquals(first.c, again.c, "same inputs must give the same bits");
    }

    private static void check(Kernels kernels, GemmProblem<float[]> p) {
        p.run(kernels);
        p.verify(kernels.name() + "/" + kernels.vectorBits() + "/" + kernels.threads() + " " + p);
    }
}
