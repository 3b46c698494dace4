package dev.lanes.kernel.simd;

import dev.lanes.kernel.spi.KernelRegistry;

/**
 * The matrix-vector kernels of {@link dev.lanes.kernel.Kernels#sgemv} for one vector width, one
 * class per width with a constant species (as for {@link VectorElementwise}), generated from one
 * template for every width of {@link KernelRegistry} ({@code Float512Gemv} and the others).
 * Arguments are valid, m and n positive and alpha non-zero, as
 * {@link dev.lanes.kernel.spi.CheckedKernels} guarantees.
 */
interface VectorGemv {

    /** Floats of scratch {@link #rowDots} needs. */
    int SCRATCH_FLOATS = 4 * 16;

    /** The implementation of a registered vector width in bits. */
    static VectorGemv forBits(int bits) {
        return VectorKernels.instance(KernelRegistry.forBits(bits).gemvClass(), VectorGemv.class);
    }

    int vectorBits();

    /**
     * {@code y[i] := alpha·(row i of A)·x + beta·y[i]} for the m rows of the m×n matrix A: blocks
     * of dot products along the rows.
     *
     * @param scratch at least {@link #SCRATCH_FLOATS} floats, overwritten
     */
    void rowDots(int m, int n, float alpha, float[] a, int aOffset, int lda, float[] x, int xOffset,
                 float beta, float[] y, int yOffset, float[] scratch);

    /**
     * {@code y[j] := alpha·Σᵢ A[i][j]·x[i] + beta·y[j]} for the n columns of the m×n matrix A: a
     * sweep down the rows with the outputs in vector registers (no lane sums needed).
     */
    void columnSweep(int m, int n, float alpha, float[] a, int aOffset, int lda, float[] x, int xOffset,
                     float beta, float[] y, int yOffset);
}
