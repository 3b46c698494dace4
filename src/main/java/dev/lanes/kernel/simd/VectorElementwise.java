package dev.lanes.kernel.simd;

import dev.lanes.kernel.spi.KernelRegistry;

/**
 * The element-wise kernels of {@link dev.lanes.kernel.Kernels} for one vector width. Each width is
 * its own class whose species is a {@code static final} constant, because the Vector API is
 * compiled to SIMD instructions only where the species is a JIT-time constant; a method taking the
 * species as an argument would fall back to slow generic code whenever it is compiled on its own.
 *
 * <p>The classes ({@code Float512Elementwise} and the other widths of
 * {@link dev.lanes.kernel.spi.KernelRegistry}) are generated from one template by
 * {@code ci/gen-kernels} (a test checks that they are up to date). Arguments
 * are valid and sizes positive, as {@link dev.lanes.kernel.spi.CheckedKernels} guarantees.
 */
interface VectorElementwise {

    /** The implementation of a registered vector width in bits. */
    static VectorElementwise forBits(int bits) {
        return VectorKernels.instance(KernelRegistry.forBits(bits).elementwiseClass(), VectorElementwise.class);
    }

    int vectorBits();

    void addRowVector(int rows, int cols, float[] v, int vOffset, float[] x, int xOffset, int ldx);

    int standardize(int rows, int cols, float[] x, int xOffset, int ldx, float[] mean, int meanOffset,
                    float[] std, int stdOffset, float[] y, int yOffset, int ldy);

    void columnSums(int rows, int cols, float[] x, int xOffset, int ldx, float[] out, int outOffset);

    void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset);

    void scale(int n, float alpha, float[] x, int xOffset);

    void exp(int n, float[] x, int xOffset);

    void sigmoid(int n, float[] x, int xOffset);

    void tanh(int n, float[] x, int xOffset);

    void relu(int n, float[] x, int xOffset);

    void sigmoidBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    void tanhBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    void reluBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    void softmaxRows(int rows, int cols, float[] x, int xOffset, int ldx);

    double mseLoss(int rows, int cols, float[] a, int aOffset, float[] y, int yOffset, float[] grad, int gradOffset);

    double softmaxCrossEntropy(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                               float[] grad, int gradOffset);

    void softmaxCrossEntropyRows(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                 double[] loss, int lossOffset);

    void scaledDifference(int n, float scale, float[] a, int aOffset, float[] y, int yOffset, float[] out, int outOffset);

    void multiply(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset);

    void sqrt(int n, float[] x, int xOffset);

    void gelu(int n, float[] x, int xOffset);

    void geluBackward(int n, float[] z, int zOffset, float[] d, int dOffset);

    void silu(int n, float[] x, int xOffset);

    void siluBackward(int n, float[] z, int zOffset, float[] d, int dOffset);

    void momentumUpdate(int n, float learningRate, float momentum, float weightDecay,
                        float[] grad, float[] velocity, float[] params, int offset);

    void adamUpdate(int n, float learningRate, float beta1, float beta2, float c1, float c2, float epsilon,
                    float weightDecay, float[] grad, float[] m, float[] v, float[] params, int offset);
}
