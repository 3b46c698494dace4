package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernels that let a batch be split into row slices: {@code scaledDifference} and
 * {@code softmaxCrossEntropyRows}. Against the reference at every width, and against the
 * whole-batch losses they replace: slices of any size, summed in row order, give exactly what one
 * call over the batch returns and writes.
 */
class RowLossKernelsParityTest {

    private static final float SENTINEL = -7777.25f;

    private static Kernels simd(int bits) {
        assumeTrue(bits <= VectorKernels.preferredVectorBits(), bits + "-bit vectors not supported here");
        return Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, 1, null));
    }

    private static float[] logits(SplittableRandom rnd, int rows, int cols) {
        float[] z = new float[rows * cols];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rnd.nextDouble(-30, 30);
        }
        return z;
    }

    private static float[] oneHot(SplittableRandom rnd, int rows, int cols) {
        float[] y = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            y[r * cols + rnd.nextInt(cols)] = 1f;
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(KernelRegistry.class)
    void scaledDifferenceIsBitIdenticalToTheReferenceAndInPlace(KernelRegistry width) {
        int bits = width.bits();
        Kernels k = simd(bits);
        SplittableRandom rnd = new SplittableRandom(bits);
        for (int n : new int[] {0, 1, 3, bits / 32 - 1, bits / 32, bits / 32 + 1, 37, 257}) {
            int off = n % 4;
            float[] a = new float[off + n + 3];
            float[] y = new float[off + n + 3];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextDouble(-5, 5);
                y[i] = (float) rnd.nextDouble(-5, 5);
            }
            float[] want = new float[n + 6];
            Arrays.fill(want, SENTINEL);
            float[] got = want.clone();
            Kernels.reference().scaledDifference(n, 0.37f, a, off, y, off, want, 3);
            k.scaledDifference(n, 0.37f, a, off, y, off, got, 3);
            assertArrayEquals(want, got, "n=" + n);
            for (int i = 0; i < n; i++) {
                assertEquals((a[off + i] - y[off + i]) * 0.37f, got[3 + i], 0f);
            }
            float[] inPlace = a.clone();
            k.scaledDifference(n, 0.37f, inPlace, off, y, off, inPlace, off);
            assertArrayEquals(Arrays.copyOfRange(got, 3, 3 + n), Arrays.copyOfRange(inPlace, off, off + n));
        }
    }

    /** 0 for the reference kernels, then every registered width. */
    static IntStream referenceAndEveryWidth() {
        return IntStream.concat(IntStream.of(0), IntStream.of(KernelRegistry.allBits()));
    }

    @ParameterizedTest
    @MethodSource("referenceAndEveryWidth")
    void rowSlicesGiveExactlyTheWholeBatchLossProbabilitiesAndGradient(int bits) {
        Kernels k = bits == 0 ? Kernels.reference() : simd(bits);
        SplittableRandom rnd = new SplittableRandom(31 + bits);
        for (int cols : new int[] {1, 2, 10, 17, 33}) {
            int rows = 53;
            float[] z = logits(rnd, rows, cols);
            float[] y = oneHot(rnd, rows, cols);
            float[] whole = z.clone();
            float[] wholeGrad = new float[rows * cols];
            double wholeLoss = k.softmaxCrossEntropy(rows, cols, whole, 0, y, 0, wholeGrad, 0);
            for (int slice : new int[] {1, 2, 7, 16, 53}) {
                float[] p = z.clone();
                float[] grad = new float[rows * cols];
                double[] rowLoss = new double[rows];
                for (int r = 0; r < rows; r += slice) {
                    int n = Math.min(slice, rows - r);
                    k.softmaxCrossEntropyRows(n, cols, p, r * cols, y, r * cols, rowLoss, r);
                    k.scaledDifference(n * cols, 1f / rows, p, r * cols, y, r * cols, grad, r * cols);
                }
                double total = 0;
                for (double l : rowLoss) {
                    total += l;
                }
                String what = bits + " bits, cols " + cols + ", slices of " + slice;
                assertEquals(wholeLoss, total / rows, 0.0, what);
                assertArrayEquals(whole, p, what);
                assertArrayEquals(wholeGrad, grad, what);
            }
            if (bits != 0) {
                float[] ref = z.clone();
                double[] refLoss = new double[rows];
                Kernels.reference().softmaxCrossEntropyRows(rows, cols, ref, 0, y, 0, refLoss, 0);
                float[] got = z.clone();
                double[] gotLoss = new double[rows];
                k.softmaxCrossEntropyRows(rows, cols, got, 0, y, 0, gotLoss, 0);
                for (int i = 0; i < ref.length; i++) {
                    // the shifted logit z − max is rounded to float before its exp: relative error up to ~|z − max|·2⁻²⁴
                    assertEquals(ref[i], got[i], 1e-5 * ref[i] + 1e-30, "probability " + i);
                }
                for (int r = 0; r < rows; r++) {
                    assertEquals(refLoss[r], gotLoss[r], 1e-5 * (1 + refLoss[r]), "row loss " + r);
                }
            }
        }
    }
}
