package dev.lanes.kernel.gemm;

/**
 * The vector kernels the portable GEMM loops call; implemented once per vector width in the
 * package that may use the Vector API. Every method computes its outputs with a fixed order of
 * operations that depends only on the element's position and k, never on which call or thread
 * computes it.
 */
public interface GemmKernels {

    /** Rows of the register tile of {@link #tile}. */
    int mr();

    /** Columns of the register tile of {@link #tile}. */
    int nr();

    /** Float lanes of one vector. */
    int lanes();

    /**
     * The micro-kernel: {@code C[i][j] := alpha·Σₚ A[p][i]·B[p][j]} for the whole mr×nr tile, p in
     * 0..kc-1, C not read. A is a packed sliver (for each p, mr consecutive values from
     * {@code aOffset + p·mr}), B a packed micro-panel (for each p, nr consecutive values from
     * {@code bOffset + p·nr}); C is row-major with leading dimension ldc. Each sum is accumulated
     * in p order with fused multiply-adds. A beta term is applied by {@link #tileBeta} or
     * {@link #mergeTile}, never here, so the kernel's code stays small enough for C2 to keep every
     * vector in registers.
     */
    void tile(int kc, float[] a, int aOffset, float[] b, int bOffset,
              float alpha, float[] c, int cOffset, int ldc);

    /**
     * The micro-kernel onto an existing C: {@code C[i][j] := fma(C[i][j], beta, alpha·Σₚ A[p][i]·B[p][j])}
     * for the whole mr×nr tile, with A, B and the sums exactly as in {@link #tile} — so the result
     * has the bits of {@link #tile} into a buffer followed by {@link #mergeTile}, without the
     * buffer's extra store and reload of every value. Full tiles of every k block after the first
     * take this path. A method of its own: with both stores in one method C2 exceeded its inlining
     * node budget and boxed the accumulators.
     */
    void tileBeta(int kc, float[] a, int aOffset, float[] b, int bOffset,
                  float alpha, float beta, float[] c, int cOffset, int ldc);

    /** Rows of the edge tile of {@link #tileEdge}, fewer than {@link #mr()}. */
    int edgeRows();

    /**
     * {@link #tile} for the first {@link #edgeRows()} rows of the sliver only: the same packed A
     * (still mr values per p) and B, the same sums in the same order, so each of those rows gets
     * the bits {@link #tile} would give it; rows edgeRows..mr-1 of C are not written. A last
     * sliver with few valid rows pays for edgeRows rows of arithmetic instead of mr.
     */
    void tileEdge(int kc, float[] a, int aOffset, float[] b, int bOffset,
                  float alpha, float[] c, int cOffset, int ldc);

    /**
     * A dense layer's tile: {@link #tile} with alpha 1, plus {@code bias[biasOffset + j]} on every
     * row, then, when {@code relu}, 0 where that is below 0 — stored once, with the bits of
     * {@link #tile} followed by {@link #biasRows} (one rounded addition; −0 and NaN kept), but
     * without storing and reloading the tile between them. bias must hold nr values.
     */
    void tileBias(int kc, float[] a, int aOffset, float[] b, int bOffset, float[] bias, int biasOffset,
                  boolean relu, float[] c, int cOffset, int ldc);

    /** {@link #tileBias} for the first {@link #edgeRows()} rows, as {@link #tileEdge} is to {@link #tile}. */
    void tileEdgeBias(int kc, float[] a, int aOffset, float[] b, int bOffset, float[] bias, int biasOffset,
                      boolean relu, float[] c, int cOffset, int ldc);

    /**
     * {@code C[i][j] := fma(C[i][j], beta, T[i][j])} for i &lt; rows, j &lt; cols, where T is a
     * tile written by {@link #tile} with leading dimension nr() — the arithmetic that gives every
     * element of C the same bits whether its tile was merged or written directly.
     */
    void mergeTile(int rows, int cols, float[] tile, float beta, float[] c, int cOffset, int ldc);

    /**
     * {@code C[i][j] := C[i][j] + bias[j]} for i &lt; rows, j &lt; cols, then, when {@code relu},
     * {@code C[i][j] := 0} where it is below 0 — a dense layer's bias and ReLU applied to a block
     * of C while it is in cache, rounded as the element-wise bias broadcast and ReLU round them
     * (one addition; −0 and NaN kept).
     */
    void biasRows(int rows, int cols, float[] bias, int biasOffset, boolean relu, float[] c, int cOffset, int ldc);

    /**
     * One row of C from an unpacked B stored k×n: {@code c[j] := alpha·Σₚ x[p]·B[p][j] + beta·c[j]}
     * for j in 0..n-1, where {@code x[p] = a[aOffset + p·aStride]} and
     * {@code B[p][j] = b[bOffset + p·ldb + j]}. Each sum is a chain of fused multiply-adds in p
     * order; beta == 0 does not read c.
     */
    void rowTimesMatrix(int k, int n, float alpha, float[] a, int aOffset, int aStride,
                        float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset);

    /**
     * Dot products of k-contiguous rows: {@code C[i][j] := alpha·dot(A row i, B row j) + beta·C[i][j]}
     * for i in 0..rows-1, j in 0..cols-1, where A row i is {@code a[aOffset + i·lda ..][0..k)} and
     * B row j is {@code b[bOffset + j·ldb ..][0..k)}. Each dot product is accumulated lane-wise
     * over the whole vectors of k, the lanes are summed in lane order, then the remaining k mod
     * lanes terms are added in order; so its value does not depend on rows or cols, nor on whether
     * the JIT has compiled the code yet. beta == 0 does not read C.
     *
     * @param scratch at least {@link #DOT_SCRATCH_VECTORS}·lanes() floats of per-thread scratch
     */
    void dots(int rows, int cols, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
              float alpha, float beta, float[] c, int cOffset, int ldc, float[] scratch);

    /**
     * {@code Packing.packB(true, …)} — B stored n×k, packed into nr-column micro-panels — with the
     * columns of each full panel gathered by vector loads, or transposed in registers (16×16
     * blocks in the 512-bit kernels, 8×8 in the 256-bit ones), rather than copied one float at a
     * time (the scalar transpose cost ~1.3 ns per element on AVX-512, a quarter of a
     * 256×784·784×512 forward product). Same layout, same bits, written from
     * {@code dst[dstOffset]}.
     *
     * @param rowOffsets at least nr() entries, {@code rowOffsets[q] = q·ldb}
     * @param scratch    at least {@link #PACK_SCRATCH_FLOATS} floats of per-thread scratch
     */
    void packBTransposed(float[] b, int bOffset, int ldb, int p0, int kc, int j0, int nc, float[] dst,
                         int dstOffset, int[] rowOffsets, float[] scratch);

    /** Floats of scratch {@link #packBTransposed} and {@link #packA} need: one 16×16 block (a transpose half done). */
    int PACK_SCRATCH_FLOATS = 256;

    /**
     * {@code Packing.packB(false, …)} — B stored k×n, packed into nr-column micro-panels — with
     * vector copies, walking B row by row across the panels (edge panel with masked loads).
     * Same layout, same bits, written from {@code dst[dstOffset]}.
     */
    void packB(float[] b, int bOffset, int ldb, int p0, int kc, int j0, int nc, float[] dst, int dstOffset);

    /**
     * {@code Packing.packA(transA, …)} for whole slivers only (mc a multiple of mr()). With A
     * stored transposed the mr() values of each p are contiguous and copied as whole vectors (plain
     * stores, not masked ones). Otherwise each sliver's rows are transposed in registers where the
     * kernel has a transpose ({@code TransposedBPacking.REGISTER_TRANSPOSE_16}, 16 values of p at a
     * time, using {@code scratch} of {@link #PACK_SCRATCH_FLOATS}; {@code SHUFFLE_8}, 8 at a time),
     * else by scalar copies with stride mr() (a vector scatter would store lanes() values at once,
     * but C2 intrinsifies it only when it late-inlines it, and its fallback allocates). The driver
     * calls this where the width's packing is fast on the CPU
     * ({@code TransposedBPacking.needsNativeGathers()}). Writes nothing outside dst[0, mc·kc).
     * Same layout, same bits.
     */
    void packA(boolean transA, float[] a, int aOffset, int lda, int i0, int mc, int p0, int kc, float[] dst,
               float[] scratch);

    /** Vectors of scratch {@link #dots} needs. */
    int DOT_SCRATCH_VECTORS = 20;
}
