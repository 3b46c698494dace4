package dev.lanes.kernel;

/**
 * A right-hand GEMM operand op(B), k×n, copied once into the layout one implementation's
 * micro-kernels stream through, so that every later product with it skips the packing a plain
 * {@link Kernels#sgemm(Transpose, Transpose, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int) sgemm}
 * does on each call: what a layer's weights want when they are multiplied by many batches
 * (prediction), as ONNX Runtime and oneDNN pack weights once at load.
 *
 * <p>Made only by {@link Kernels#packB}; used by
 * {@link Kernels#sgemm(Transpose, int, float, float[], int, int, PackedMatrix, float, float[], int, int)}.
 * The copy is taken when packing: later changes to the source array do not reach it. A packed
 * matrix changes only when its owner packs new values into it ({@link Kernels#repackB}); between
 * such repacks it may be shared between threads and calls. It can be used with any
 * kernels whose {@link #layout()} is the same (for example the same SIMD width with another thread
 * count); other kernels reject it with an {@link IllegalArgumentException} naming both layouts.
 */
public interface PackedMatrix {

    /** Rows of op(B): the depth of the products it takes part in. */
    int k();

    /** Columns of op(B): the columns of C. */
    int n();

    /** The implementation's name for the layout, for example its vector width, tile and blocking. */
    String layout();

    /** Floats held, padding included (the memory is about 4 bytes each). */
    long size();
}
