package dev.lanes.kernel;

import dev.lanes.kernel.gemm.Blocking;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#dgemm} by the method of the reference BLAS test program (dblat3): every
 * transpose, shapes around the lane count, the micro-tile and the cache blocks, odd leading
 * dimensions and offsets, alpha and beta at 0, 1 and other values; each element of C compared
 * with a value computed more precisely than double (double-double, error ~2^-104) by the error
 * ratio {@code |c − exact| / (eps·G)}, {@code G = |alpha|·Σ|a||b| + |beta|·|c_old|}; padding and
 * the space around each window poisoned (NaN in A and B, a sentinel in C), and C filled with NaN
 * when beta == 0 says it is not read. Then the thread contract: identical bits for 1, 2 and 3
 * threads on shapes that take each path of the driver.
 */
class DgemmTest {

    static final double C_SENTINEL = -98765.4321;
    static final double EPS = Math.ulp(1d);

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
                            Problem p = new Problem(ta, tb, m, n, k, s[0], s[1], offset, pad, rnd);
                            p.run(kernels);
                            p.verify(kernels.name());
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
                    Problem p = new Problem(ta, tb, sh[0], sh[1], sh[2], -1.25, 0.75, 5, 3, rnd);
                    p.run(kernels);
                    p.verify(kernels.name() + " " + Arrays.toString(sh));
                    Problem z = new Problem(ta, tb, sh[0], sh[1], sh[2], 0.5, 0, 0, 1, rnd);
                    z.run(kernels);
                    z.verify(kernels.name() + " beta 0 " + Arrays.toString(sh));
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
                    Problem p = new Problem(ta, tb, sh[0], sh[1], sh[2], 1.5, 0.5, 1, 2, rnd);
                    double[] one = p.runOnCopy(KernelVariants.simd(0, 1));
                    for (int t : new int[] {2, 3}) {
                        double[] many = p.runOnCopy(KernelVariants.simd(0, t));
                        for (int i = 0; i < one.length; i++) {
                            if (Double.doubleToRawLongBits(one[i]) != Double.doubleToRawLongBits(many[i])) {
                                fail(t + " threads, " + ta + "," + tb + " " + Arrays.toString(sh)
                                        + ": element " + i + " is " + many[i] + " but one thread gives " + one[i]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The SIMD result is checked by the same ratio as the reference, and the two agree closely. */
    @Test
    void simdAgreesWithTheReference() {
        SplittableRandom rnd = new SplittableRandom(23);
        Problem p = new Problem(Transpose.NONE, Transpose.TRANSPOSE, 97, 83, 301, 1, 0, 2, 1, rnd);
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

    /** One dgemm call on windows of larger, poisoned arrays, as dblat3 builds them. */
    static final class Problem {
        final Transpose transA;
        final Transpose transB;
        final int m;
        final int n;
        final int k;
        final double alpha;
        final double beta;
        final double[] a;
        final int aOffset;
        final int lda;
        final double[] b;
        final int bOffset;
        final int ldb;
        final double[] c;
        final int cOffset;
        final int ldc;
        final double[] cBefore;
        final double[] aBefore;
        final double[] bBefore;

        Problem(Transpose transA, Transpose transB, int m, int n, int k, double alpha, double beta, int offset,
                int pad, SplittableRandom rnd) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            boolean ta = transA == Transpose.TRANSPOSE;
            boolean tb = transB == Transpose.TRANSPOSE;
            boolean unread = alpha == 0 || k == 0;
            int aRows = ta ? k : m;
            int aCols = ta ? m : k;
            int bRows = tb ? n : k;
            int bCols = tb ? k : n;
            // Different offsets and paddings per operand, so mixing up lda, ldb and ldc fails.
            aOffset = offset;
            lda = Math.max(1, aCols) + pad;
            a = storage(aRows, aCols, aOffset, lda, Double.NaN, unread ? null : rnd);
            bOffset = offset == 0 ? 0 : offset + 2;
            ldb = Math.max(1, bCols) + (pad == 0 ? 0 : pad + 1);
            b = storage(bRows, bCols, bOffset, ldb, Double.NaN, unread ? null : rnd);
            cOffset = offset == 0 ? 0 : offset + 1;
            ldc = Math.max(1, n) + (pad == 0 ? 0 : pad + 2);
            c = storage(m, n, cOffset, ldc, C_SENTINEL, beta == 0 ? null : rnd);
            if (beta == 0 && n > 0) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, Double.NaN);
                }
            }
            aBefore = a.clone();
            bBefore = b.clone();
            cBefore = c.clone();
        }

        /** rows×cols values in [-1, 1) at offset with leading dimension ld; poison elsewhere (or everywhere when rnd is null). */
        private static double[] storage(int rows, int cols, int offset, int ld, double poison, SplittableRandom rnd) {
            int size = rows == 0 || cols == 0 ? offset + 3 : offset + (rows - 1) * ld + cols + 3;
            double[] s = new double[size];
            Arrays.fill(s, poison);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    s[offset + i * ld + j] = rnd == null ? Double.NaN : rnd.nextDouble(-1, 1);
                }
            }
            return s;
        }

        void run(Kernels kernels) {
            kernels.dgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }

        double[] runOnCopy(Kernels kernels) {
            double[] out = cBefore.clone();
            kernels.dgemm(transA, transB, m, n, k, alpha, a.clone(), aOffset, lda, b.clone(), bOffset, ldb, beta,
                    out, cOffset, ldc);
            return out;
        }

        void verify(String label) {
            verify(c, label);
        }

        double opA(int i, int p) {
            return transA == Transpose.TRANSPOSE ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
        }

        double opB(int p, int j) {
            return transB == Transpose.TRANSPOSE ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
        }

        /**
         * Every element of C's window within {@code (k + 10)·eps·G} of the double-double value (the
         * bound of {@code GemmProblem.ratioBound}, whose derivation holds for any precision), and
         * every element outside it with the bits it had.
         */
        void verify(double[] result, String label) {
            assertTrue(Arrays.equals(a, aBefore) && Arrays.equals(b, bBefore), label + ": A or B was written");
            String where = label + " " + transA + "," + transB + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
            boolean[] inWindow = new boolean[result.length];
            double bound = k + 10;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOffset + i * ldc + j;
                    inWindow[ci] = true;
                    // Σ a·b in double-double: TwoProduct by fma, TwoSum for the running sum.
                    double hi = 0;
                    double lo = 0;
                    double g = 0;
                    if (alpha != 0) {
                        for (int p = 0; p < k; p++) {
                            double x = opA(i, p);
                            double y = opB(p, j);
                            double ph = x * y;
                            double pl = Math.fma(x, y, -ph);
                            double s = hi + ph;
                            double bb = s - hi;
                            double err = (hi - (s - bb)) + (ph - bb);
                            hi = s;
                            lo += err + pl;
                            g += Math.abs(ph);
                        }
                    }
                    double old = beta == 0 ? 0 : cBefore[ci];
                    double exact = alpha * hi + (alpha * lo + beta * old);
                    double gij = Math.abs(alpha) * g + Math.abs(beta) * Math.abs(old);
                    double got = result[ci];
                    double ratio = Math.abs(got - exact) / (EPS * gij + Double.MIN_NORMAL);
                    if (!(ratio <= bound)) {
                        fail(where + ": C[" + i + "][" + j + "] = " + got + ", expected " + exact
                                + " (error ratio " + ratio + " > " + bound + ")");
                    }
                }
            }
            for (int q = 0; q < result.length; q++) {
                if (!inWindow[q] && Double.doubleToRawLongBits(result[q]) != Double.doubleToRawLongBits(cBefore[q])) {
                    fail(where + ": element " + q + " outside C's window changed from " + cBefore[q] + " to "
                            + result[q]);
                }
            }
        }
    }
}
