package dev.lanes.kernel.simd;

/**
 * The matrix-vector kernels of {@link dev.lanes.kernel.Kernels#sgemv} for one vector width, one
 * class per width with a constant species (as for {@link VectorElementwise}). {@code Gemv256} is
 * written by hand; {@code Gemv128} and {@code Gemv512} are made from it by {@code ci/gen-widths}.
 * Arguments are valid, m and n positive and alpha non-zero, as
 * {@link dev.lanes.kernel.spi.CheckedKernels} guarantees.
 */
sealed interface VectorGemv permits Gemv128, Gemv256, Gemv512 {

    /** Floats of scratch {@link #rowDots} needs. */
    int SCRATCH_FLOATS = 4 * 16;

    /** The implementation for a vector width in bits (below 256 → 128, 256, 512 and above → 512). */
    static VectorGemv forBits(int bits) {
        if (bits >= 512) {
            return Gemv512.INSTANCE;
        }
        return bits >= 256 ? Gemv256.INSTANCE : Gemv128.INSTANCE;
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
