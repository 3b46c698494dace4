package dev.lanes.kernel.simd;

import dev.lanes.kernel.gemm.DoubleGemmKernels;
import dev.lanes.kernel.gemm.DoublePacking;
import dev.lanes.kernel.gemm.GemmKernels;
import dev.lanes.kernel.gemm.Packing;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The vector packing kernels write exactly what the scalar {@code Packing} writes — B stored k×n
 * and n×k, A stored m×k and k×m — for full and partial panels, blocks that start inside the
 * matrix, offsets, padded leading dimensions, and k below, at and around multiples of the lane
 * count (the register transpose handles 16 values of k at a time). Every kernel class is checked
 * here, since on a machine whose CPU prefers narrower vectors the GEMM itself uses the scalar
 * packing for some of these.
 */
class VectorPackingTest {


    private static float[] random(int size, SplittableRandom rnd) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }

    private static float[] nans(int size) {
        float[] x = new float[size];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    private static int[] offsets(int count, int stride) {
        int[] o = new int[count + 64];
        for (int q = 0; q < count; q++) {
            o[q] = q * stride;
        }
        return o;
    }

    /** Shapes of a packed block: extent across (n or m), k, ld padding, offset, p0, kc, start, count. */
    private static int[][] blocks(int unit) {
        return new int[][]{
                {unit, 7, 0, 0, 0, 7, 0, unit},
                {3 * unit + 5, 40, 3, 11, 5, 31, 0, 3 * unit + 5},
                {2 * unit + 1, 300, 1, 2, 44, 256, unit - 1, unit + 2},
                {unit - 1, 9, 0, 0, 0, 9, 0, unit - 1},
                {5 * unit, 1, 2, 7, 0, 1, unit, 3 * unit},
                {4 * unit, 64, 0, 0, 0, 64, 0, 4 * unit},
                {2 * unit + 3, 100, 5, 1, 3, 65, unit, unit + 3},
                {3 * unit, 47, 0, 5, 15, 32, 2 * unit, unit},
        };
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void packedBEqualsScalarPacking(KernelRegistry width) {
        GemmKernels g = VectorKernels.gemmKernels(width);
        String name = width.gemmClass();
        int nr = g.nr();
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (boolean transB : new boolean[]{false, true}) {
            for (int[] c : blocks(nr)) {
                int n = c[0], k = c[1], off = c[3], p0 = c[4], kc = c[5], j0 = c[6], nc = c[7];
                int ldb = (transB ? k : n) + c[2];
                float[] b = random(off + (transB ? n : k) * ldb, rnd);
                int panels = (nc + nr - 1) / nr;
                // Packed from an offset, with NaN before and after that must stay untouched.
                int at = 1 + c[4];
                float[] expected = nans(at + panels * kc * nr + 7);
                float[] actual = nans(expected.length);
                Packing.packB(transB, b, off, ldb, p0, kc, j0, nc, nr, expected, at);
                if (transB) {
                    g.packBTransposed(b, off, ldb, p0, kc, j0, nc, actual, at, offsets(nr, ldb),
                            new float[GemmKernels.PACK_SCRATCH_FLOATS]);
                } else {
                    g.packB(b, off, ldb, p0, kc, j0, nc, actual, at);
                }
                assertArrayEquals(expected, actual, name + ", transB=" + transB + ", " + Arrays.toString(c));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void packedAEqualsScalarPacking(KernelRegistry width) {
        GemmKernels g = VectorKernels.gemmKernels(width);
        String name = width.gemmClass();
        int mr = g.mr();
        SplittableRandom rnd = new SplittableRandom(name.hashCode() + 1);
        for (boolean transA : new boolean[]{false, true}) {
            for (int[] c : blocks(mr)) {
                int m = c[0], k = c[1], off = c[3], p0 = c[4], kc = c[5], i0 = c[6];
                int mc = c[7] / mr * mr; // the vector packing takes whole slivers only
                if (mc == 0) {
                    continue;
                }
                int lda = (transA ? m : k) + c[2];
                float[] a = random(off + (transA ? k : m) * lda, rnd);
                // Room past the slivers: the transposing packings store whole vectors at stride mr,
                // and nothing may land past mc·kc (the driver packs a partial sliver there).
                float[] expected = nans(mc * kc + 2 * g.lanes());
                float[] actual = nans(expected.length);
                Packing.packA(transA, a, off, lda, i0, mc, p0, kc, mr, expected);
                g.packA(transA, a, off, lda, i0, mc, p0, kc, actual, new float[GemmKernels.PACK_SCRATCH_FLOATS]);
                assertArrayEquals(expected, actual, name + ", transA=" + transA + ", " + Arrays.toString(c));
            }
        }
    }

    /**
     * The double kernels share the packing text of the float ones (the generator rewrites the
     * type), with other lane counts: at 128 bits two lanes against four tile rows, so each p of A
     * stored k×m takes two vector copies.
     */
    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void doublePackingEqualsScalarPacking(KernelRegistry width) {
        DoubleGemmKernels g = VectorKernels.doubleGemmKernels(width);
        String name = width.gemmClass(KernelRegistry.ElementType.DOUBLE);
        int mr = g.mr();
        int nr = g.nr();
        SplittableRandom rnd = new SplittableRandom(name.hashCode() + 2);
        for (boolean trans : new boolean[]{false, true}) {
            for (int[] c : blocks(mr)) {
                int m = c[0], k = c[1], off = c[3], p0 = c[4], kc = c[5], i0 = c[6];
                int mc = c[7] / mr * mr;
                if (mc == 0) {
                    continue;
                }
                int lda = (trans ? m : k) + c[2];
                double[] a = randomDoubles(off + (trans ? k : m) * lda, rnd);
                double[] expected = new double[mc * kc + 2 * g.lanes()];
                Arrays.fill(expected, Double.NaN);
                double[] actual = expected.clone();
                DoublePacking.packA(trans, a, off, lda, i0, mc, p0, kc, mr, expected);
                g.packA(trans, a, off, lda, i0, mc, p0, kc, actual, new double[DoubleGemmKernels.PACK_SCRATCH_FLOATS]);
                assertArrayEquals(expected, actual, name + " A, trans=" + trans + ", " + Arrays.toString(c));
            }
            for (int[] c : blocks(nr)) {
                int n = c[0], k = c[1], off = c[3], p0 = c[4], kc = c[5], j0 = c[6], nc = c[7];
                int ldb = (trans ? k : n) + c[2];
                double[] b = randomDoubles(off + (trans ? n : k) * ldb, rnd);
                int at = 1 + p0;
                double[] expected = new double[at + (nc + nr - 1) / nr * kc * nr + 7];
                Arrays.fill(expected, Double.NaN);
                double[] actual = expected.clone();
                DoublePacking.packB(trans, b, off, ldb, p0, kc, j0, nc, nr, expected, at);
                if (trans) {
                    g.packBTransposed(b, off, ldb, p0, kc, j0, nc, actual, at, offsets(nr, ldb),
                            new double[DoubleGemmKernels.PACK_SCRATCH_FLOATS]);
                } else {
                    g.packB(b, off, ldb, p0, kc, j0, nc, actual, at);
                }
                assertArrayEquals(expected, actual, name + " B, trans=" + trans + ", " + Arrays.toString(c));
            }
        }
    }

    private static double[] randomDoubles(int size, SplittableRandom rnd) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextDouble(-1, 1);
        }
        return x;
    }
}
