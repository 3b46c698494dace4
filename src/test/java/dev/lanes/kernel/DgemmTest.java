package dev.lanes.kernel;

import dev.lanes.kernel.gemm.Blocking;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Kernels#dgemm} by the method of the reference BLAS test program (dblat3): every
 * transpose, shapes around the lane count, the micro-tile and the cache blocks, odd leading
 * dimensions and offsets, alpha and beta at 0, 1 and other values; each element of C compared
 * with a value computed more precisely than double (double-double, error ~2^-104) by the error
 * ratio {@code |c − exact| / (eps·G)}, {@code G = |alpha|·Σ|a||b| + |beta|·|c_old|}; padding and
 * the space around each window poisoned (NaN in A and B, a sentinel in C), and C filled with NaN
 * when beta == 0 says it is not read. Then the thread contract: identical bits for 1, 2 and 3
 * threads on shapes that take each path of the driver. The problems are those of the sgemm tests,
 * in double: {@link GemmProblem#ofDouble}.
 */
class DgemmTest {

    /** Shapes that end a vector, a tile or a block early or late, on the widest double tile. */
    static int[] dims() {
        KernelRegistry w = KernelRegistry.W512;
        int lanes = w.lanes(KernelRegistry.ElementType.DOUBLE);
        int mr = w.mr();
        return new int[] {0, 1, 2, lanes - 1, lanes, lanes + 1, mr - 1, mr + 1, 2 * lanes + 1, 31};
    }

    static Stream<Named<Kernels>> variants() {
        return KernelVariants.all();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void sblat3SweepOfShapesTransposesAndScalars(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(13);
        double[][] scalars = {{1, 0}, {1, 1}, {-0.7, 0.3}, {0, 0.5}, {2.5, 0}, {0, 0}};
        int[] d = dims();
        int problems = 0;
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                for (int m : d) {
                    for (int n : d) {
                        for (int k : d) {
                            double[] s = scalars[rnd.nextInt(scalars.length)];
                            int offset = rnd.nextBoolean() ? 0 : 3;
                            int pad = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(3);
                            GemmProblem<double[]> p = GemmProblem.ofDouble(ta, tb, m, n, k, s[0], s[1], offset,
                                    pad, rnd);
                            p.run(kernels);
                            p.verify(kernels.name() + " " + p);
                            problems++;
                        }
                    }
                }
            }
        }
        assertTrue(problems > 1000, "swept " + problems);
    }

    /** Larger shapes: several k blocks, edge tiles, the skinny dot-product path and m == 1. */
    @ParameterizedTest
    @MethodSource("variants")
    void largerShapesOnEveryPath(Kernels kernels) {
        SplittableRandom rnd = new SplittableRandom(17);
        int kc = KernelRegistry.W512.blocking().kc();
        int[][] shapes = {
                {70, 45, 2 * kc + 3},                                   // packed, three k blocks
                {129, 67, 53},                                          // packed, edge tiles both ways
                {50, Blocking.SKINNY_N - 3, Blocking.SKINNY_MIN_K + 37}, // dot products
                {1, 77, 65},                                            // a single row
        };
        for (int[] sh : shapes) {
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    GemmProblem<double[]> p = GemmProblem.ofDouble(ta, tb, sh[0], sh[1], sh[2], -1.25, 0.75, 5, 3,
                            rnd);
                    p.run(kernels);
                    p.verify(kernels.name() + " " + p);
                    GemmProblem<double[]> z = GemmProblem.ofDouble(ta, tb, sh[0], sh[1], sh[2], 0.5, 0, 0, 1, rnd);
                    z.run(kernels);
                    z.verify(kernels.name() + " " + z);
                }
            }
        }
    }

    /** Every thread count gives the single-threaded bits, on every path of the driver. */
    @Test
    void bitsAreTheSameForOneTwoAndThreeThreads() {
        SplittableRandom rnd = new SplittableRandom(19);
        // Each above Blocking.PARALLEL_MNK, so the calls really split: packed by rows and by
        // columns, dot products (n small), a single row.
        int[][] shapes = {{200, 190, 210}, {37, 400, 500}, {1000, 10, 784}, {1, 3000, 2400}};
        for (int[] sh : shapes) {
            assertTrue((long) sh[0] * sh[1] * sh[2] >= Blocking.PARALLEL_MNK, Arrays.toString(sh));
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    GemmProblem<double[]> p = GemmProblem.ofDouble(ta, tb, sh[0], sh[1], sh[2], 1.5, 0.5, 1, 2, rnd);
                    double[] one = p.runOnCopy(KernelVariants.simd(0, 1));
                    for (int t : new int[] {2, 3}) {
                        GemmProblem.assertSameBits(one, p.runOnCopy(KernelVariants.simd(0, t)),
                                t + " threads against one, " + p);
                    }
                }
            }
        }
    }

    /** The SIMD result is checked by the same ratio as the reference, and the two agree closely. */
    @Test
    void simdAgreesWithTheReference() {
        SplittableRandom rnd = new SplittableRandom(23);
        GemmProblem<double[]> p = GemmProblem.ofDouble(Transpose.NONE, Transpose.TRANSPOSE, 97, 83, 301, 1, 0, 2, 1,
                rnd);
        double[] ref = p.runOnCopy(Kernels.reference());
        double[] simd = p.runOnCopy(KernelVariants.simd(0, 1));
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(ref[i] - simd[i]) / Math.max(1e-300, Math.abs(ref[i])));
        }
        assertTrue(worst < 1e-10, "largest relative difference " + worst);
        p.verify(simd, "simd");
        p.verify(ref, "reference");
    }

    @Test
    void argumentsAreCheckedLikeSgemm() {
        for (Named<Kernels> named : variants().toList()) {
            Kernels k = named.getPayload();
            double[] a = new double[6];
            double[] b = new double[6];
            double[] c = new double[4];
            Transpose n = Transpose.NONE;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.dgemm(n, n, 2, 2, 3, 1, a, 0, 2, b, 0, 2, 0, c, 0, 2));
            assertEquals("lda must be >= max(1, 3) but was 2", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> k.dgemm(n, n, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 1, 2));
            assertEquals("c is too short: a 2x2 matrix at cOffset=1 with ldc=2 needs 5 elements but it has 4",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> k.dgemm(n, n, -1, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2));
            assertEquals("m must be >= 0 but was -1", e.getMessage());
            assertThrows(NullPointerException.class,
                    () -> k.dgemm(null, n, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2));
            assertThrows(NullPointerException.class,
                    () -> k.dgemm(n, n, 2, 2, 3, 1, null, 0, 3, b, 0, 2, 0, c, 0, 2));
        }
    }
}
