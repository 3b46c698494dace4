package dev.lanes.kernel.spi;

import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.PackedMatrix;
import dev.lanes.kernel.Transpose;

import java.util.Objects;

/**
 * The base of every {@link Kernels} implementation: the public methods check their arguments once,
 * here, exactly as the contract says, then call the protected {@code do…} method, which may assume
 * valid arguments and non-trivial sizes where noted. Implementations override only the
 * {@code do…} methods.
 */
public abstract class CheckedKernels implements Kernels {

    protected CheckedKernels() {
    }

    // ---------------------------------------------------------------- checks

    /** Throws unless {@code n >= 0}. */
    public static void checkSize(String name, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + n);
        }
    }

    /**
     * Checks that {@code array} holds a rows×cols row-major matrix at {@code offset} with leading
     * dimension {@code ld}. The leading dimension must be at least max(1, cols) even when the
     * window is empty (as BLAS requires); the array is checked only when the window is non-empty.
     */
    public static void checkMatrix(String arrayName, float[] array, String offsetName, int offset,
                                   String ldName, int ld, int rows, int cols) {
        checkWindow(arrayName, array, array == null ? 0 : array.length, offsetName, offset, ldName, ld, rows, cols);
    }

    /** {@link #checkMatrix(String, float[], String, int, String, int, int, int)} for double arrays. */
    public static void checkMatrix(String arrayName, double[] array, String offsetName, int offset,
                                   String ldName, int ld, int rows, int cols) {
        checkWindow(arrayName, array, array == null ? 0 : array.length, offsetName, offset, ldName, ld, rows, cols);
    }

    /** The checks of checkMatrix on an array of either element type and its length. */
    private static void checkWindow(String arrayName, Object array, int length, String offsetName, int offset,
                                    String ldName, int ld, int rows, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(ldName + " must be >= max(1, " + cols + ") but was " + ld);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        Objects.requireNonNull(array, arrayName);
        if (offset < 0) {
            throw new IllegalArgumentException(offsetName + " must be >= 0 but was " + offset);
        }
        long end = (long) offset + (long) (rows - 1) * ld + cols;
        if (end > length) {
            throw new IllegalArgumentException(arrayName + " is too short: a " + rows + "x" + cols
                    + " matrix at " + offsetName + "=" + offset + " with " + ldName + "=" + ld
                    + " needs " + end + " elements but it has " + length);
        }
    }

    /** Checks that {@code array} holds n contiguous elements at {@code offset}. */
    public static void checkVector(String arrayName, float[] array, String offsetName, int offset, int n) {
        if (n == 0) {
            return;
        }
        Objects.requireNonNull(array, arrayName);
        if (offset < 0) {
            throw new IllegalArgumentException(offsetName + " must be >= 0 but was " + offset);
        }
        if ((long) offset + n > array.length) {
            throw new IllegalArgumentException(arrayName + " is too short: " + n + " elements at "
                    + offsetName + "=" + offset + " need " + ((long) offset + n)
                    + " elements but it has " + array.length);
        }
    }

    // ---------------------------------------------------------------- GEMM

    @Override
    public final void sgemm(Transpose transA, Transpose transB, int m, int n, int k,
                            float alpha, float[] a, int aOffset, int lda,
                            float[] b, int bOffset, int ldb,
                            float beta, float[] c, int cOffset, int ldc) {
        checkProduct(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            doScaleMatrix(m, n, beta, c, cOffset, ldc);
            return;
        }
        doSgemm(transA == Transpose.TRANSPOSE, transB == Transpose.TRANSPOSE, m, n, k, alpha, a, aOffset, lda,
                b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public final void sgemmBias(Transpose transA, Transpose transB, int m, int n, int k, float[] a, int aOffset,
                                int lda, float[] b, int bOffset, int ldb, float[] bias, int biasOffset, boolean relu,
                                float[] c, int cOffset, int ldc) {
        checkProduct(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        checkVector("bias", bias, "biasOffset", biasOffset, n);
        if (k == 0) {
            biasOnly(m, n, bias, biasOffset, relu, c, cOffset, ldc);
            return;
        }
        doSgemmBias(transA == Transpose.TRANSPOSE, transB == Transpose.TRANSPOSE, m, n, k, a, aOffset, lda,
                b, bOffset, ldb, bias, biasOffset, relu, c, cOffset, ldc);
    }

    /** The argument checks of both float products with op(B) unpacked. */
    private static void checkProduct(Transpose transA, Transpose transB, int m, int n, int k,
                                     float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                     float[] c, int cOffset, int ldc) {
        Objects.requireNonNull(transA, "transA");
        Objects.requireNonNull(transB, "transB");
        checkSize("m", m);
        checkSize("n", n);
        checkSize("k", k);
        boolean ta = transA == Transpose.TRANSPOSE;
        boolean tb = transB == Transpose.TRANSPOSE;
        checkMatrix("a", a, "aOffset", aOffset, "lda", lda, ta ? k : m, ta ? m : k);
        checkMatrix("b", b, "bOffset", bOffset, "ldb", ldb, tb ? n : k, tb ? k : n);
        checkMatrix("c", c, "cOffset", cOffset, "ldc", ldc, m, n);
    }

    /** An empty sum plus the bias: C is the bias on every row, then ReLU. */
    private void biasOnly(int m, int n, float[] bias, int biasOffset, boolean relu, float[] c, int cOffset, int ldc) {
        doScaleMatrix(m, n, 0f, c, cOffset, ldc);
        addBiasAndRelu(m, n, bias, biasOffset, relu, c, cOffset, ldc);
    }

    /**
     * The element-wise end of a dense layer's product, as separate passes: the bias on every row
     * of the m×n window, then ReLU when {@code relu}. What every sgemmBias must equal bit for bit.
     */
    protected final void addBiasAndRelu(int m, int n, float[] bias, int biasOffset, boolean relu, float[] c,
                                        int cOffset, int ldc) {
        doAddRowVector(m, n, bias, biasOffset, c, cOffset, ldc);
        for (int i = 0; relu && i < m; i++) {
            doRelu(n, c, cOffset + i * ldc);
        }
    }

    /**
     * The product plus a bias and optional ReLU, with valid arguments and m, n, k &gt; 0: bit for
     * bit the product (alpha 1, beta 0), then {@link #doAddRowVector}, then {@link #doRelu}.
     */
    protected abstract void doSgemmBias(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset,
                                        int lda, float[] b, int bOffset, int ldb, float[] bias, int biasOffset,
                                        boolean relu, float[] c, int cOffset, int ldc);

    /** C := beta·C over the m×n window; beta == 0 writes zeros without reading C. */
    protected void doScaleMatrix(int m, int n, float beta, float[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOffset + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row, row + n, 0f);
            } else if (beta != 1f) {
                doScale(n, beta, c, row);
            }
        }
    }

    /** GEMM with valid arguments, m, n, k &gt; 0 and alpha != 0. */
    protected abstract void doSgemm(boolean transA, boolean transB, int m, int n, int k,
                                    float alpha, float[] a, int aOffset, int lda,
                                    float[] b, int bOffset, int ldb,
                                    float beta, float[] c, int cOffset, int ldc);

    @Override
    public final void dgemm(Transpose transA, Transpose transB, int m, int n, int k,
                            double alpha, double[] a, int aOffset, int lda,
                            double[] b, int bOffset, int ldb,
                            double beta, double[] c, int cOffset, int ldc) {
        Objects.requireNonNull(transA, "transA");
        Objects.requireNonNull(transB, "transB");
        checkSize("m", m);
        checkSize("n", n);
        checkSize("k", k);
        boolean ta = transA == Transpose.TRANSPOSE;
        boolean tb = transB == Transpose.TRANSPOSE;
        checkMatrix("a", a, "aOffset", aOffset, "lda", lda, ta ? k : m, ta ? m : k);
        checkMatrix("b", b, "bOffset", bOffset, "ldb", ldb, tb ? n : k, tb ? k : n);
        checkMatrix("c", c, "cOffset", cOffset, "ldc", ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0d || k == 0) {
            // Plain loops: scaling is memory-bound, and 0·NaN must not leak in when beta == 0.
            for (int i = 0; i < m; i++) {
                int row = cOffset + i * ldc;
                if (beta == 0d) {
                    java.util.Arrays.fill(c, row, row + n, 0d);
                } else if (beta != 1d) {
                    for (int j = row; j < row + n; j++) {
                        c[j] *= beta;
                    }
                }
            }
            return;
        }
        doDgemm(ta, tb, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /** Double-precision GEMM with valid arguments, m, n, k &gt; 0 and alpha != 0. */
    protected abstract void doDgemm(boolean transA, boolean transB, int m, int n, int k,
                                    double alpha, double[] a, int aOffset, int lda,
                                    double[] b, int bOffset, int ldb,
                                    double beta, double[] c, int cOffset, int ldc);

    // ---------------------------------------------------------------- prepacked GEMM

    @Override
    public final PackedMatrix packB(Transpose transB, int k, int n, float[] b, int bOffset, int ldb) {
        Objects.requireNonNull(transB, "transB");
        checkSize("k", k);
        checkSize("n", n);
        boolean tb = transB == Transpose.TRANSPOSE;
        checkMatrix("b", b, "bOffset", bOffset, "ldb", ldb, tb ? n : k, tb ? k : n);
        long size = k == 0 || n == 0 ? 0 : packedSize(k, n);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("packing a " + k + "x" + n + " operand needs " + size
                    + " floats, more than a Java array holds");
        }
        float[] data = new float[(int) size];
        if (size > 0) {
            doPackB(tb, k, n, b, bOffset, ldb, data);
        }
        return new PackedOperand(k, n, packedFamily(), packedLayout(k, n), data);
    }

    @Override
    public final void repackB(Transpose transB, float[] b, int bOffset, int ldb, PackedMatrix into, int part,
                              int parts) {
        Objects.requireNonNull(transB, "transB");
        PackedOperand packed = operand("into", into);
        if (parts < 1 || part < 0 || part >= parts) {
            throw new IllegalArgumentException("part must be in [0, parts) with parts >= 1 but was part " + part
                    + " of " + parts);
        }
        int k = packed.k();
        int n = packed.n();
        boolean tb = transB == Transpose.TRANSPOSE;
        checkMatrix("b", b, "bOffset", bOffset, "ldb", ldb, tb ? n : k, tb ? k : n);
        if (k > 0 && n > 0) {
            doRepackB(tb, k, n, b, bOffset, ldb, packed.data(), part, parts);
        }
    }

    @Override
    public final void sgemm(Transpose transA, int m, float alpha, float[] a, int aOffset, int lda,
                            PackedMatrix b, float beta, float[] c, int cOffset, int ldc) {
        PackedOperand packed = checkPrepacked(transA, m, a, aOffset, lda, b, c, cOffset, ldc);
        int k = packed.k();
        int n = packed.n();
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            doScaleMatrix(m, n, beta, c, cOffset, ldc);
            return;
        }
        doSgemmPacked(transA == Transpose.TRANSPOSE, m, n, k, alpha, a, aOffset, lda, packed.data(), beta,
                c, cOffset, ldc);
    }

    @Override
    public final void sgemmBias(Transpose transA, int m, float[] a, int aOffset, int lda, PackedMatrix b,
                                float[] bias, int biasOffset, boolean relu, float[] c, int cOffset, int ldc) {
        PackedOperand packed = checkPrepacked(transA, m, a, aOffset, lda, b, c, cOffset, ldc);
        int k = packed.k();
        int n = packed.n();
        if (m == 0 || n == 0) {
            return;
        }
        checkVector("bias", bias, "biasOffset", biasOffset, n);
        if (k == 0) {
            biasOnly(m, n, bias, biasOffset, relu, c, cOffset, ldc);
            return;
        }
        doSgemmBias(transA == Transpose.TRANSPOSE, m, n, k, a, aOffset, lda, packed.data(), bias, biasOffset, relu,
                c, cOffset, ldc);
    }

    /** The argument checks of both products with a prepacked B; returns B. */
    private PackedOperand checkPrepacked(Transpose transA, int m, float[] a, int aOffset, int lda, PackedMatrix b,
                                         float[] c, int cOffset, int ldc) {
        Objects.requireNonNull(transA, "transA");
        PackedOperand packed = operand("b", b);
        checkSize("m", m);
        int k = packed.k();
        int n = packed.n();
        boolean ta = transA == Transpose.TRANSPOSE;
        checkMatrix("a", a, "aOffset", aOffset, "lda", lda, ta ? k : m, ta ? m : k);
        checkMatrix("c", c, "cOffset", cOffset, "ldc", ldc, m, n);
        return packed;
    }

    /** A matrix made by {@link #packB} of kernels with this layout family, else a clear error naming it. */
    private PackedOperand operand(String argument, PackedMatrix b) {
        Objects.requireNonNull(b, argument);
        if (!(b instanceof PackedOperand packed)) {
            throw new IllegalArgumentException(argument + " is a " + b.getClass().getName()
                    + ", not a matrix made by Kernels.packB");
        }
        // The family, a string made once per instance, decides; comparing it allocates nothing.
        if (!packed.family().equals(packedFamily())) {
            throw new IllegalArgumentException(argument + " was packed as \"" + packed.layout() + "\" but these kernels ("
                    + name() + ", " + vectorBits() + "-bit) read \"" + packedFamily() + ": "
                    + packedLayout(packed.k(), packed.n()) + "\"; pack it with these kernels");
        }
        return packed;
    }

    /**
     * The product with a prepacked B plus a bias and optional ReLU, with valid arguments and
     * m, n, k &gt; 0: bit for bit the product, then {@link #doAddRowVector}, then {@link #doRelu}.
     */
    protected abstract void doSgemmBias(boolean transA, int m, int n, int k, float[] a, int aOffset, int lda,
                                        float[] packed, float[] bias, int biasOffset, boolean relu,
                                        float[] c, int cOffset, int ldc);

    /**
     * The name of everything the packed layout depends on besides k and n (implementation, vector
     * width, tile, block sizes), the same string object on every call: a matrix packed by one
     * instance is accepted by every instance of an equal family, so equal families must mean equal
     * layouts for every k and n.
     */
    protected abstract String packedFamily();

    /** A description of the layout {@link #doPackB} writes for a k×n operand, for messages. */
    protected abstract String packedLayout(int k, int n);

    /** Floats {@link #doPackB} writes for a k×n operand, k, n &gt; 0. */
    protected abstract long packedSize(int k, int n);

    /** Packs op(B), k×n with k, n &gt; 0 and valid arguments, into dst of {@link #packedSize} floats. */
    protected abstract void doPackB(boolean transB, int k, int n, float[] b, int bOffset, int ldb, float[] dst);

    /**
     * Part {@code part} of {@code parts} of {@link #doPackB} into dst (valid arguments, k, n &gt;
     * 0): disjoint pieces that together write what doPackB writes. This default packs everything
     * in part 0, which is correct but leaves the other parts idle; a layout made of independent
     * panels shares them out.
     */
    protected void doRepackB(boolean transB, int k, int n, float[] b, int bOffset, int ldb, float[] dst, int part,
                             int parts) {
        if (part == 0) {
            doPackB(transB, k, n, b, bOffset, ldb, dst);
        }
    }

    /** The prepacked GEMM with valid arguments, m, n, k &gt; 0 and alpha != 0. */
    protected abstract void doSgemmPacked(boolean transA, int m, int n, int k, float alpha,
                                          float[] a, int aOffset, int lda, float[] packed,
                                          float beta, float[] c, int cOffset, int ldc);

    // ---------------------------------------------------------------- GEMV

    @Override
    public final void sgemv(Transpose trans, int m, int n, float alpha, float[] a, int aOffset, int lda,
                            float[] x, int xOffset, float beta, float[] y, int yOffset) {
        Objects.requireNonNull(trans, "trans");
        checkSize("m", m);
        checkSize("n", n);
        boolean t = trans == Transpose.TRANSPOSE;
        int xLength = t ? m : n;
        int yLength = t ? n : m;
        checkMatrix("a", a, "aOffset", aOffset, "lda", lda, m, n);
        checkVector("x", x, "xOffset", xOffset, xLength);
        checkVector("y", y, "yOffset", yOffset, yLength);
        if (yLength == 0) {
            return;
        }
        if (alpha == 0f || xLength == 0) {
            doScaleMatrix(1, yLength, beta, y, yOffset, yLength);
            return;
        }
        doSgemv(t, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }

    /** GEMV with valid arguments, m, n &gt; 0 and alpha != 0. */
    protected abstract void doSgemv(boolean trans, int m, int n, float alpha, float[] a, int aOffset, int lda,
                                    float[] x, int xOffset, float beta, float[] y, int yOffset);

    // ---------------------------------------------------------------- element-wise

    @Override
    public final void addRowVector(int rows, int cols, float[] v, int vOffset, float[] x, int xOffset, int ldx) {
        checkSize("rows", rows);
        checkSize("cols", cols);
        checkMatrix("x", x, "xOffset", xOffset, "ldx", ldx, rows, cols);
        if (rows == 0 || cols == 0) {
            return;
        }
        checkVector("v", v, "vOffset", vOffset, cols);
        doAddRowVector(rows, cols, v, vOffset, x, xOffset, ldx);
    }

    protected abstract void doAddRowVector(int rows, int cols, float[] v, int vOffset, float[] x, int xOffset, int ldx);

    @Override
    public final int standardize(int rows, int cols, float[] x, int xOffset, int ldx, float[] mean, int meanOffset,
                                 float[] std, int stdOffset, float[] y, int yOffset, int ldy) {
        checkSize("rows", rows);
        checkSize("cols", cols);
        checkMatrix("x", x, "xOffset", xOffset, "ldx", ldx, rows, cols);
        checkMatrix("y", y, "yOffset", yOffset, "ldy", ldy, rows, cols);
        if (rows == 0 || cols == 0) {
            return -1;
        }
        checkVector("mean", mean, "meanOffset", meanOffset, cols);
        checkVector("std", std, "stdOffset", stdOffset, cols);
        return doStandardize(rows, cols, x, xOffset, ldx, mean, meanOffset, std, stdOffset, y, yOffset, ldy);
    }

    /** Standardization with valid arguments and rows, cols &gt; 0; returns as {@link #standardize}. */
    protected abstract int doStandardize(int rows, int cols, float[] x, int xOffset, int ldx, float[] mean,
                                         int meanOffset, float[] std, int stdOffset, float[] y, int yOffset, int ldy);

    @Override
    public final void columnSums(int rows, int cols, float[] x, int xOffset, int ldx, float[] out, int outOffset) {
        checkSize("rows", rows);
        checkSize("cols", cols);
        checkMatrix("x", x, "xOffset", xOffset, "ldx", ldx, rows, cols);
        checkVector("out", out, "outOffset", outOffset, cols);
        if (cols == 0) {
            return;
        }
        doColumnSums(rows, cols, x, xOffset, ldx, out, outOffset);
    }

    /** Column sums with valid arguments and cols &gt; 0 (rows may be 0: write zeros). */
    protected abstract void doColumnSums(int rows, int cols, float[] x, int xOffset, int ldx, float[] out, int outOffset);

    @Override
    public final void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        checkSize("n", n);
        checkVector("x", x, "xOffset", xOffset, n);
        checkVector("y", y, "yOffset", yOffset, n);
        if (n > 0) {
            doAxpy(n, alpha, x, xOffset, y, yOffset);
        }
    }

    protected abstract void doAxpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset);

    @Override
    public final void scale(int n, float alpha, float[] x, int xOffset) {
        checkSize("n", n);
        checkVector("x", x, "xOffset", xOffset, n);
        if (n > 0) {
            doScale(n, alpha, x, xOffset);
        }
    }

    protected abstract void doScale(int n, float alpha, float[] x, int xOffset);

    @Override
    public final void exp(int n, float[] x, int xOffset) {
        checkUnary(n, x, xOffset);
        if (n > 0) {
            doExp(n, x, xOffset);
        }
    }

    protected abstract void doExp(int n, float[] x, int xOffset);

    @Override
    public final void sigmoid(int n, float[] x, int xOffset) {
        checkUnary(n, x, xOffset);
        if (n > 0) {
            doSigmoid(n, x, xOffset);
        }
    }

    protected abstract void doSigmoid(int n, float[] x, int xOffset);

    @Override
    public final void tanh(int n, float[] x, int xOffset) {
        checkUnary(n, x, xOffset);
        if (n > 0) {
            doTanh(n, x, xOffset);
        }
    }

    protected abstract void doTanh(int n, float[] x, int xOffset);

    @Override
    public final void relu(int n, float[] x, int xOffset) {
        checkUnary(n, x, xOffset);
        if (n > 0) {
            doRelu(n, x, xOffset);
        }
    }

    protected abstract void doRelu(int n, float[] x, int xOffset);

    private static void checkUnary(int n, float[] x, int xOffset) {
        checkSize("n", n);
        checkVector("x", x, "xOffset", xOffset, n);
    }

    private static void checkBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        checkSize("n", n);
        checkVector("activations", activations, "aOffset", aOffset, n);
        checkVector("d", d, "dOffset", dOffset, n);
    }

    @Override
    public final void sigmoidBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        checkBackward(n, activations, aOffset, d, dOffset);
        if (n > 0) {
            doSigmoidBackward(n, activations, aOffset, d, dOffset);
        }
    }

    protected abstract void doSigmoidBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    @Override
    public final void tanhBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        checkBackward(n, activations, aOffset, d, dOffset);
        if (n > 0) {
            doTanhBackward(n, activations, aOffset, d, dOffset);
        }
    }

    protected abstract void doTanhBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    @Override
    public final void reluBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        checkBackward(n, activations, aOffset, d, dOffset);
        if (n > 0) {
            doReluBackward(n, activations, aOffset, d, dOffset);
        }
    }

    protected abstract void doReluBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    @Override
    public final void softmaxRows(int rows, int cols, float[] x, int xOffset, int ldx) {
        checkSize("rows", rows);
        checkSize("cols", cols);
        checkMatrix("x", x, "xOffset", xOffset, "ldx", ldx, rows, cols);
        if (rows > 0 && cols > 0) {
            doSoftmaxRows(rows, cols, x, xOffset, ldx);
        }
    }

    protected abstract void doSoftmaxRows(int rows, int cols, float[] x, int xOffset, int ldx);

    private static void checkLoss(String outName, int rows, int cols, float[] out, String outOffsetName,
                                  int outOffset, float[] y, int yOffset, float[] grad, int gradOffset) {
        checkSize("rows", rows);
        checkSize("cols", cols);
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rows*cols = " + n + " exceeds the largest array");
        }
        checkVector(outName, out, outOffsetName, outOffset, (int) n);
        checkVector("y", y, "yOffset", yOffset, (int) n);
        if (grad != null) {
            checkVector("grad", grad, "gradOffset", gradOffset, (int) n);
        }
    }

    @Override
    public final double mseLoss(int rows, int cols, float[] a, int aOffset, float[] y, int yOffset,
                                float[] grad, int gradOffset) {
        checkLoss("a", rows, cols, a, "aOffset", aOffset, y, yOffset, grad, gradOffset);
        if (rows == 0) {
            return 0.0;
        }
        return doMseLoss(rows, cols, a, aOffset, y, yOffset, grad, gradOffset);
    }

    /** MSE with valid arguments and rows &gt; 0; {@code grad} may be null. */
    protected abstract double doMseLoss(int rows, int cols, float[] a, int aOffset, float[] y, int yOffset,
                                        float[] grad, int gradOffset);

    @Override
    public final double softmaxCrossEntropy(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                            float[] grad, int gradOffset) {
        checkLoss("z", rows, cols, z, "zOffset", zOffset, y, yOffset, grad, gradOffset);
        if (rows == 0) {
            return 0.0;
        }
        if (cols == 0) {
            throw new IllegalArgumentException("cols must be > 0 for a softmax but was 0");
        }
        return doSoftmaxCrossEntropy(rows, cols, z, zOffset, y, yOffset, grad, gradOffset);
    }

    /** Softmax cross-entropy with valid arguments, rows, cols &gt; 0; {@code grad} may be null. */
    protected abstract double doSoftmaxCrossEntropy(int rows, int cols, float[] z, int zOffset,
                                                    float[] y, int yOffset, float[] grad, int gradOffset);

    @Override
    public final void softmaxCrossEntropyRows(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                              double[] loss, int lossOffset) {
        checkLoss("z", rows, cols, z, "zOffset", zOffset, y, yOffset, null, 0);
        if (rows == 0) {
            return;
        }
        if (cols == 0) {
            throw new IllegalArgumentException("cols must be > 0 for a softmax but was 0");
        }
        Objects.requireNonNull(loss, "loss");
        if (lossOffset < 0 || (long) lossOffset + rows > loss.length) {
            throw new IllegalArgumentException("loss holds " + loss.length + " values; " + rows
                    + " from lossOffset=" + lossOffset + " do not fit");
        }
        doSoftmaxCrossEntropyRows(rows, cols, z, zOffset, y, yOffset, loss, lossOffset);
    }

    /** Row-wise softmax cross-entropy with valid arguments, rows, cols &gt; 0. */
    protected abstract void doSoftmaxCrossEntropyRows(int rows, int cols, float[] z, int zOffset,
                                                      float[] y, int yOffset, double[] loss, int lossOffset);

    @Override
    public final void scaledDifference(int n, float scale, float[] a, int aOffset, float[] y, int yOffset,
                                       float[] out, int outOffset) {
        checkSize("n", n);
        checkVector("a", a, "aOffset", aOffset, n);
        checkVector("y", y, "yOffset", yOffset, n);
        checkVector("out", out, "outOffset", outOffset, n);
        if (n > 0) {
            doScaledDifference(n, scale, a, aOffset, y, yOffset, out, outOffset);
        }
    }

    protected abstract void doScaledDifference(int n, float scale, float[] a, int aOffset, float[] y, int yOffset,
                                               float[] out, int outOffset);

    /** The calling thread alone: {@code this} unless an implementation runs several threads. */
    @Override
    public Kernels singleThreaded() {
        return this;
    }

    /** In order, on the calling thread; implementations with threads override this. */
    @Override
    public void forEachTask(int tasks, java.util.function.IntConsumer body) {
        checkSize("tasks", tasks);
        Objects.requireNonNull(body, "body");
        for (int t = 0; t < tasks; t++) {
            body.accept(t);
        }
    }

    // ---------------------------------------------------------------- layers and optimizers

    @Override
    public final void multiply(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset) {
        checkSize("n", n);
        checkVector("x", x, "xOffset", xOffset, n);
        checkVector("y", y, "yOffset", yOffset, n);
        checkVector("out", out, "outOffset", outOffset, n);
        if (n > 0) {
            doMultiply(n, x, xOffset, y, yOffset, out, outOffset);
        }
    }

    protected abstract void doMultiply(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset);

    @Override
    public final void sqrt(int n, float[] x, int xOffset) {
        checkUnary(n, x, xOffset);
        if (n > 0) {
            doSqrt(n, x, xOffset);
        }
    }

    protected abstract void doSqrt(int n, float[] x, int xOffset);

    @Override
    public final void gelu(int n, float[] x, int xOffset) {
        checkUnary(n, x, xOffset);
        if (n > 0) {
            doGelu(n, x, xOffset);
        }
    }

    protected abstract void doGelu(int n, float[] x, int xOffset);

    @Override
    public final void geluBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        checkPreActivationBackward(n, z, zOffset, d, dOffset);
        if (n > 0) {
            doGeluBackward(n, z, zOffset, d, dOffset);
        }
    }

    protected abstract void doGeluBackward(int n, float[] z, int zOffset, float[] d, int dOffset);

    @Override
    public final void silu(int n, float[] x, int xOffset) {
        checkUnary(n, x, xOffset);
        if (n > 0) {
            doSilu(n, x, xOffset);
        }
    }

    protected abstract void doSilu(int n, float[] x, int xOffset);

    @Override
    public final void siluBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        checkPreActivationBackward(n, z, zOffset, d, dOffset);
        if (n > 0) {
            doSiluBackward(n, z, zOffset, d, dOffset);
        }
    }

    protected abstract void doSiluBackward(int n, float[] z, int zOffset, float[] d, int dOffset);

    private static void checkPreActivationBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        checkSize("n", n);
        checkVector("z", z, "zOffset", zOffset, n);
        checkVector("d", d, "dOffset", dOffset, n);
    }

    @Override
    public final double sumOfSquares(int n, float[] x, int xOffset) {
        checkUnary(n, x, xOffset);
        return n == 0 ? 0 : doSumOfSquares(n, x, xOffset);
    }

    protected abstract double doSumOfSquares(int n, float[] x, int xOffset);

    @Override
    public final void momentumUpdate(int n, float learningRate, float momentum, float weightDecay,
                                     float[] grad, float[] velocity, float[] params, int offset) {
        checkSize("n", n);
        checkVector("grad", grad, "offset", offset, n);
        checkVector("velocity", velocity, "offset", offset, n);
        checkVector("params", params, "offset", offset, n);
        if (n > 0) {
            doMomentumUpdate(n, learningRate, momentum, weightDecay, grad, velocity, params, offset);
        }
    }

    protected abstract void doMomentumUpdate(int n, float learningRate, float momentum, float weightDecay,
                                             float[] grad, float[] velocity, float[] params, int offset);

    @Override
    public final void adamUpdate(int n, float learningRate, float beta1, float beta2, float c1, float c2,
                                 float epsilon, float weightDecay, float[] grad, float[] m, float[] v,
                                 float[] params, int offset) {
        checkSize("n", n);
        checkVector("grad", grad, "offset", offset, n);
        checkVector("m", m, "offset", offset, n);
        checkVector("v", v, "offset", offset, n);
        checkVector("params", params, "offset", offset, n);
        if (n > 0) {
            doAdamUpdate(n, learningRate, beta1, beta2, c1, c2, epsilon, weightDecay, grad, m, v, params, offset);
        }
    }

    protected abstract void doAdamUpdate(int n, float learningRate, float beta1, float beta2, float c1, float c2,
                                         float epsilon, float weightDecay, float[] grad, float[] m, float[] v,
                                         float[] params, int offset);
}
