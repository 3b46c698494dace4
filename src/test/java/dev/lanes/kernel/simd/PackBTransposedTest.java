package dev.lanes.kernel.simd;

import dev.lanes.kernel.gemm.GemmKernels;
import dev.lanes.kernel.gemm.Packing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The gathered packing of a transposed B writes exactly what the scalar {@code Packing.packB}
 * writes, for full and partial panels, offsets and padded leading dimensions. (On machines
 * whose CPU prefers narrower vectors the GEMM uses the scalar packing, so this is where the
 * gather path is pinned down at every width.)
 */
class PackBTransposedTest {

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void gatheredPanelsEqualScalarPacking(int bits) {
        GemmKernels g = switch (bits) {
            case 128 -> new Gemm128();
            case 256 -> new Gemm256();
            default -> new Gemm512();
        };
        int nr = g.nr();
        SplittableRandom rnd = new SplittableRandom(bits);
        int[][] cases = {
            // n, k, ldb extra, bOffset, p0, kc, j0, nc
            {nr, 7, 0, 0, 0, 7, 0, nr},
            {3 * nr + 5, 40, 3, 11, 5, 31, 0, 3 * nr + 5},
            {2 * nr + 1, 300, 1, 2, 44, 256, nr - 1, nr + 2},
            {nr - 1, 9, 0, 0, 0, 9, 0, nr - 1},
            {5 * nr, 1, 2, 7, 0, 1, nr, 3 * nr},
        };
        for (int[] c : cases) {
            int n = c[0];
            int k = c[1];
            int ldb = k + c[2];
            int off = c[3];
            int p0 = c[4];
            int kc = c[5];
            int j0 = c[6];
            int nc = c[7];
            float[] b = new float[off + n * ldb];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextDouble(-1, 1);
            }
            int panels = (nc + nr - 1) / nr;
            float[] expected = new float[panels * kc * nr];
            float[] actual = new float[expected.length];
            java.util.Arrays.fill(actual, Float.NaN);
            Packing.packB(true, b, off, ldb, p0, kc, j0, nc, nr, expected);
            int[] offsets = new int[nr];
            for (int q = 0; q < nr; q++) {
                offsets[q] = q * ldb;
            }
            g.packBTransposed(b, off, ldb, p0, kc, j0, nc, actual, offsets);
            assertArrayEquals(expected, actual, bits + "-bit, case n=" + n + " k=" + k + " ldb=" + ldb
                    + " off=" + off + " p0=" + p0 + " kc=" + kc + " j0=" + j0 + " nc=" + nc);
        }
    }
}
