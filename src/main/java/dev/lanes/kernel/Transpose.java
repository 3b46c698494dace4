package dev.lanes.kernel;

/** Whether a GEMM operand is used as stored ({@link #NONE}) or transposed ({@link #TRANSPOSE}). */
public enum Transpose {
    /** op(X) = X. */
    NONE,
    /** op(X) = Xᵀ; the stored matrix is read in transposed order, never copied. */
    TRANSPOSE
}
