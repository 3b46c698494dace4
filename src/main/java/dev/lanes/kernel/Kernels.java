package dev.lanes.kernel;

/**
 * The kernel contract of Lanes: single-precision GEMM and the element-wise kernels that training
 * needs. Two implementations exist — {@link #reference()} (plain scalar loops, obviously right) and
 * {@link #simd()} (the Vector API) — and {@link #best()} chooses between them at run time.
 *
 * <h2>Layout</h2>
 * Matrices are <b>row-major</b> slices of {@code float[]}: element (i, j) of a matrix with leading
 * dimension {@code ld} starting at {@code offset} is {@code x[offset + i * ld + j]}. The leading
 * dimension is the distance between the starts of consecutive rows and must be at least the number
 * of stored columns (at least 1). Elements between the end of a row and the start of the next
 * (leading-dimension padding) are never written.
 *
 * <h2>Argument checks</h2>
 * Every method checks its arguments before it reads or writes anything: negative sizes, leading
 * dimensions that are too small, negative offsets and arrays too short for the described window
 * throw {@link IllegalArgumentException} whose message names the argument (BLAS's {@code xerbla},
 * in Java). A {@code null} array that the call would read or write throws
 * {@link NullPointerException} naming it.
 *
 * <h2>Threads</h2>
 * Instances are immutable and safe to share between threads. An implementation may use several
 * threads inside one call ({@link #threads()}); results do not depend on the thread count.
 */
public interface Kernels {

    /** The scalar reference kernels: plain loops, single-threaded, always available. */
    static Kernels reference() {
        return KernelSelection.reference();
    }

    /**
     * The Vector API kernels, configured like {@link #best()} by the system properties
     * {@code lanes.vectorBits} (default: the preferred width) and {@code lanes.threads} (default:
     * all available processors). {@code lanes.kernels} is not read: this method always asks for
     * SIMD.
     *
     * @throws IllegalStateException if the Vector API cannot be used in this JVM (for example
     *     when {@code --add-modules jdk.incubator.vector} is missing); the message says why
     */
    static Kernels simd() {
        return KernelSelection.simd(KernelConfig.fromSystemProperties(KernelConfig.Implementation.SIMD));
    }

    /**
     * The run-time choice configured by the system properties {@code lanes.kernels}
     * ({@code reference}, {@code simd} or {@code best}, default {@code best}),
     * {@code lanes.vectorBits} (128, 256 or 512) and {@code lanes.threads}. With {@code best},
     * the SIMD kernels are chosen when the incubator module is readable, the C2 compiler is
     * present and the preferred vector width is at least 256 bits; otherwise the reference kernels
     * are returned and one warning names the missing flag or the reason. The choice is made once
     * and cached.
     */
    static Kernels best() {
        return KernelSelection.best();
    }

    /** Kernels built from an explicit configuration (the API twin of the system properties). */
    static Kernels create(KernelConfig config) {
        return KernelSelection.create(config);
    }

    /** {@code "reference"} or {@code "simd"}. */
    String name();

    /** The vector width in bits the kernels use; 32 for the scalar reference (one float lane). */
    int vectorBits();

    /** The largest number of threads one call may use. */
    int threads();

    /**
     * One line for logs and for embedding programs: implementation, vector width, threads and why
     * this implementation was chosen.
     */
    String describe();

    /**
     * The same kernels restricted to the calling thread: what the tasks of {@link #forEachTask}
     * use, so a parallel region never nests a second one. {@code this} when {@link #threads()} is 1.
     */
    Kernels singleThreaded();

    /**
     * Runs {@code body.accept(t)} for every task t in 0..tasks−1 on up to {@link #threads()}
     * threads, the caller among them, and returns when all are done. Which thread runs which task
     * is not specified, so a body must give the same result wherever it runs; tasks may run
     * concurrently and must write disjoint data. The first exception thrown by a task is rethrown
     * after every task has finished. The reference kernels run the tasks in order on the caller.
     * Once warm this allocates nothing on the library's own threads (an executor passed in
     * {@link KernelConfig} may allocate in its queue).
     */
    void forEachTask(int tasks, java.util.function.IntConsumer body);

    // ------------------------------------------------------------------------------------------
    // GEMM
    // ------------------------------------------------------------------------------------------

    /**
     * Single-precision general matrix multiply, {@code C := alpha·op(A)·op(B) + beta·C}, with the
     * semantics of {@code cblas_sgemm(CblasRowMajor, …)}.
     *
     * <p>op(A) is m×k and op(B) is k×n; C is m×n. With {@code transA == NONE}, A is stored m×k
     * (so {@code lda >= max(1, k)}); with {@code TRANSPOSE}, A is stored k×m
     * ({@code lda >= max(1, m)}). Likewise B is stored k×n ({@code ldb >= max(1, n)}) or n×k
     * ({@code ldb >= max(1, k)}), and {@code ldc >= max(1, n)}.
     *
     * <p>As in reference BLAS: when {@code beta == 0}, C is not read (it may hold NaN or
     * infinities); when {@code alpha == 0} or {@code k == 0}, C is scaled by beta and A and B are
     * not read; when {@code m == 0} or {@code n == 0} nothing happens. Only the m×n window of C is
     * written. The arrays of A, B and C must not overlap C's window.
     *
     * <p>Arrays are checked against the exact extent of the window: a stored r×c matrix at
     * {@code offset} needs {@code offset + (r - 1)·ld + c} elements when r, c &gt; 0. Operands
     * that the call does not read (A and B when {@code alpha == 0} or {@code k == 0}) are still
     * checked whenever their window is non-empty, so a wrong call fails the same way every time.
     *
     * @throws IllegalArgumentException naming the first invalid argument, before anything is written
     */
    void sgemm(Transpose transA, Transpose transB, int m, int n, int k,
               float alpha, float[] a, int aOffset, int lda,
               float[] b, int bOffset, int ldb,
               float beta, float[] c, int cOffset, int ldc);

    /**
     * Double-precision general matrix multiply, {@code C := alpha·op(A)·op(B) + beta·C}, with the
     * semantics of {@code cblas_dgemm(CblasRowMajor, …)}: the argument list, shapes, leading
     * dimensions, checks and exceptions of
     * {@link #sgemm(Transpose, Transpose, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int) sgemm}
     * on {@code double[]} arrays (beta == 0 does not read C; alpha == 0 or k == 0 only scales C;
     * only the m×n window of C is written).
     *
     * <p>Bits: every element of C is summed over k in an order fixed by its position, k and the
     * kernels' width, never by the number of threads, so results are identical for every thread
     * count.
     *
     * @throws IllegalArgumentException naming the first invalid argument, before anything is written
     */
    void dgemm(Transpose transA, Transpose transB, int m, int n, int k,
               double alpha, double[] a, int aOffset, int lda,
               double[] b, int bOffset, int ldb,
               double beta, double[] c, int cOffset, int ldc);

    /**
     * Packs op(B) (k×n, stored as for {@link #sgemm(Transpose, Transpose, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int) sgemm}:
     * k×n with {@code ldb >= max(1, n)}, or n×k with {@code ldb >= max(1, k)} for
     * {@code TRANSPOSE}) once, into the layout these kernels' micro-kernels read, for
     * {@link #sgemm(Transpose, int, float, float[], int, int, PackedMatrix, float, float[], int, int)}.
     * Allocates the packed copy (about 4·k·n bytes, plus padding of n up to the register tile);
     * B is read and never kept.
     *
     * @throws IllegalArgumentException naming the first invalid argument, or if the packed copy
     *                                  would exceed the largest Java array
     */
    PackedMatrix packB(Transpose transB, int k, int n, float[] b, int bOffset, int ldb);

    /**
     * Packs new values of op(B) into {@code into}, in place, allocating nothing: part
     * {@code part} of {@code parts} of it. op(B) must have into's k×n (B stored as for
     * {@link #packB}); into must come from {@link #packB} of kernels of the same layout. The parts
     * write disjoint pieces of into and together all of it, so the threads that share a matrix
     * can repack it concurrently, each its own parts, each part once; a product must not read into
     * until every part is done. Afterwards into holds exactly what {@link #packB} of the new values
     * would hold. What a training step wants: the weights change every step and every row range
     * of the batch reads them.
     *
     * @throws IllegalArgumentException naming the first invalid argument (part outside
     *                                  [0, parts), parts &lt; 1, B too small for into's shape, into
     *                                  packed by kernels of another layout)
     */
    void repackB(Transpose transB, float[] b, int bOffset, int ldb, PackedMatrix into, int part, int parts);

    /**
     * {@code C := alpha·op(A)·B + beta·C} with B packed by {@link #packB} (so op(B) is B's k×n
     * and n are B's), with the semantics of the plain
     * {@link #sgemm(Transpose, Transpose, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int) sgemm}
     * — A stored m×k or k×m, C m×n row-major, beta == 0 does not read C, alpha == 0 or k == 0
     * scales C by beta — without packing B again.
     *
     * <p>Bits: for m ≥ 2 every element equals the plain sgemm's of the same operands. Each row of C
     * depends only on its row of op(A) and on B, never on m or on the other rows, so a row gives
     * the same bits alone and in any batch (the plain sgemm's m = 1 path, which reads B unpacked,
     * may differ from this in the last bits).
     *
     * @throws IllegalArgumentException naming the first invalid argument, or if b was packed by
     *                                  kernels of another layout (naming both)
     */
    void sgemm(Transpose transA, int m, float alpha, float[] a, int aOffset, int lda,
               PackedMatrix b, float beta, float[] c, int cOffset, int ldc);

    /**
     * A dense layer's forward product: {@code C := op(A)·op(B) + bias} (n bias values from
     * {@code biasOffset}, added to every row), then {@code C := max(C, 0)} when {@code relu} (−0
     * and NaN kept, as {@link #relu}). Operands, layouts and checks as in
     * {@link #sgemm(Transpose, Transpose, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int) sgemm}
     * with alpha 1 and beta 0; C is not read. Training's forward pass, where the weights change
     * every step and are packed inside the product.
     *
     * <p>Bits: exactly those of that sgemm followed by {@link #addRowVector} and, when
     * {@code relu}, {@link #relu} on the m×n result, at every thread count. The SIMD kernels apply
     * both as in the prepacked {@link #sgemmBias(Transpose, int, float[], int, int, PackedMatrix, float[], int, boolean, float[], int, int) sgemmBias}.
     *
     * @throws IllegalArgumentException naming the first invalid argument
     */
    void sgemmBias(Transpose transA, Transpose transB, int m, int n, int k, float[] a, int aOffset, int lda,
                   float[] b, int bOffset, int ldb, float[] bias, int biasOffset, boolean relu,
                   float[] c, int cOffset, int ldc);

    /**
     * A dense layer's forward product for a batch, with B packed by {@link #packB}:
     * {@code C := op(A)·B + bias} (the bias, n values from {@code biasOffset}, added to every row),
     * then {@code C := max(C, 0)} when {@code relu} (−0 and NaN kept, as {@link #relu}). Operands
     * and layouts as in the prepacked
     * {@link #sgemm(Transpose, int, float, float[], int, int, PackedMatrix, float, float[], int, int) sgemm}
     * with alpha 1 and beta 0; C is not read.
     *
     * <p>Bits: exactly those of that sgemm followed by {@link #addRowVector} and, when
     * {@code relu}, {@link #relu} on the m×n result. The SIMD kernels add the bias and apply ReLU
     * in the micro-kernel's store, to the registers that hold a tile's sums, instead of two more
     * passes over C (tiles at the edges of C: right after they are written, while in cache).
     *
     * @throws IllegalArgumentException naming the first invalid argument, or if b was packed by
     *                                  kernels of another layout
     */
    void sgemmBias(Transpose transA, int m, float[] a, int aOffset, int lda, PackedMatrix b,
                   float[] bias, int biasOffset, boolean relu, float[] c, int cOffset, int ldc);

    /**
     * Single-precision matrix-vector product, {@code y := alpha·op(A)·x + beta·y}, with the
     * semantics of {@code cblas_sgemv(CblasRowMajor, trans, m, n, alpha, a, lda, x, 1, beta, y, 1)}:
     * the product of a batch of one, without the packing a GEMM does.
     *
     * <p>A is stored m×n row-major ({@code lda >= max(1, n)}). With {@code trans == NONE}, x has
     * n elements and y has m ({@code y[i] = alpha·Σⱼ A[i][j]·x[j] + beta·y[i]}); with
     * {@code TRANSPOSE}, x has m elements and y has n ({@code y[j] = alpha·Σᵢ A[i][j]·x[i] + beta·y[j]}).
     * Vectors are contiguous (increment 1) from their offsets.
     *
     * <p>As in reference BLAS: when {@code beta == 0}, y is not read (it may hold NaN); when
     * {@code alpha == 0} or x is empty, y is scaled by beta and A and x are not read; when y is
     * empty nothing happens. x and y must not overlap. Each element of y is one sum, in an order
     * that depends only on the shape and the implementation's vector width, so a call gives the
     * same bits every time and for any {@link #threads()}: a large product with
     * {@code trans == NONE} is split by rows of A over the threads (the SIMD kernels, from 2¹⁶
     * multiply-adds), everything else runs on the calling thread.
     *
     * @throws IllegalArgumentException naming the first invalid argument, before anything is written
     */
    void sgemv(Transpose trans, int m, int n, float alpha, float[] a, int aOffset, int lda,
               float[] x, int xOffset, float beta, float[] y, int yOffset);

    // ------------------------------------------------------------------------------------------
    // Element-wise kernels. Vectors are contiguous: n elements from offset. Matrices are row-major
    // with a leading dimension, as described above.
    // ------------------------------------------------------------------------------------------

    /**
     * Adds the row vector {@code v} (length {@code cols}) to every row of the rows×cols matrix X:
     * {@code X[i][j] += v[j]} — the bias broadcast of a dense layer.
     */
    void addRowVector(int rows, int cols, float[] v, int vOffset, float[] x, int xOffset, int ldx);

    /**
     * Standardizes the rows×cols matrix X into Y, feature by feature (column j of every row):
     * {@code Y[i][j] = (X[i][j] − mean[j]) / std[j]}, rounded as written (the difference, then a
     * correctly rounded quotient, no reciprocal), so every implementation and vector width gives
     * the bits of the plain loop — the preprocessing of a model's inputs at prediction time. Y may
     * be X itself (same array, offset and leading dimension); other overlaps are not allowed.
     * Every element of Y is written, whatever the return value.
     *
     * @return the row-major position {@code i·cols + j} of the first element of Y that is not
     *         finite (a NaN or infinite input, a zero or tiny {@code std[j]}, or an overflowing
     *         quotient), or −1 when all are finite
     */
    int standardize(int rows, int cols, float[] x, int xOffset, int ldx, float[] mean, int meanOffset,
                    float[] std, int stdOffset, float[] y, int yOffset, int ldy);

    /**
     * Column sums of the rows×cols matrix X, {@code out[j] = Σᵢ X[i][j]} (overwrites {@code out};
     * zero when rows == 0) — the bias gradient of a dense layer. Each sum is accumulated in row
     * order, so the result does not depend on the implementation's thread count.
     */
    void columnSums(int rows, int cols, float[] x, int xOffset, int ldx, float[] out, int outOffset);

    /** {@code y := alpha·x + y} over n elements. */
    void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset);

    /** {@code x := alpha·x} over n elements; {@code alpha == 0} writes zeros without reading x. */
    void scale(int n, float alpha, float[] x, int xOffset);

    /**
     * In place {@code x := exp(x)} over n elements. Inputs above ~88.72 give +∞, inputs below
     * ~-103.97 give 0 (or a subnormal), NaN stays NaN. The SIMD version's accuracy against
     * {@link Math#exp} is documented in the README.
     */
    void exp(int n, float[] x, int xOffset);

    /** In place logistic sigmoid {@code x := 1 / (1 + e^(-x))} over n elements, in [0, 1]. */
    void sigmoid(int n, float[] x, int xOffset);

    /** In place hyperbolic tangent over n elements, in [-1, 1]. */
    void tanh(int n, float[] x, int xOffset);

    /** In place rectifier {@code x := max(x, 0)} over n elements (NaN stays NaN). */
    void relu(int n, float[] x, int xOffset);

    /**
     * The derivative product of a sigmoid layer, given the layer's output A = σ(Z) that forward
     * kept: {@code d := d ∘ σ'(Z) = d ∘ A ∘ (1 − A)} over n elements.
     */
    void sigmoidBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    /** The derivative product of a tanh layer given its output A: {@code d := d ∘ (1 − A²)}. */
    void tanhBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    /**
     * The derivative product of a ReLU layer given its output A = max(Z, 0):
     * {@code d := d} where A &gt; 0, else 0 (the derivative at 0 is taken as 0).
     */
    void reluBackward(int n, float[] activations, int aOffset, float[] d, int dOffset);

    /**
     * Row-wise softmax of the rows×cols matrix X in place: each row becomes
     * {@code exp(x − max) / Σ exp(x − max)}, so large logits neither overflow nor give NaN.
     */
    void softmaxRows(int rows, int cols, float[] x, int xOffset, int ldx);

    /**
     * Mean squared error of a batch, as in eq. (57) of the notes:
     * {@code C = (1/rows) Σᵢ ‖aᵢ − yᵢ‖²} (the mean over the batch of squared L2 norms), where each
     * row is one example of {@code cols} outputs. When {@code grad} is not null it receives
     * {@code ∂C/∂A = (2/rows)(A − Y)} (rows×cols, leading dimension {@code cols}).
     *
     * @return C, accumulated in double; 0 when rows == 0
     */
    double mseLoss(int rows, int cols, float[] a, int aOffset, float[] y, int yOffset,
                   float[] grad, int gradOffset);

    /**
     * Softmax cross-entropy of a batch: {@code Z} (rows×cols logits) is replaced by its row-wise
     * softmax P, and {@code C = −(1/rows) Σᵢ Σⱼ Yᵢⱼ·log Pᵢⱼ} is returned. Y holds one-hot or
     * probability targets. When {@code grad} is not null it receives {@code ∂C/∂Z = (P − Y)/rows}.
     * The logarithm is taken as {@code log Pᵢⱼ = Zᵢⱼ − max − log Σ exp(Z − max)}, so the loss stays
     * finite for finite logits even when a probability underflows to 0.
     *
     * @return C, accumulated in double; 0 when rows == 0
     */
    double softmaxCrossEntropy(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                               float[] grad, int gradOffset);

    /**
     * The row-wise half of {@link #softmaxCrossEntropy}, for a slice of a batch: {@code Z}
     * (rows×cols logits) is replaced by its row-wise softmax P, and {@code loss[lossOffset + i]}
     * receives {@code −Σⱼ Yᵢⱼ·log Pᵢⱼ} of row i. Summing those in row order, in double, and
     * dividing by the batch size gives exactly what {@link #softmaxCrossEntropy} returns; the
     * gradient is then {@link #scaledDifference} of P and Y with scale 1/batch.
     */
    void softmaxCrossEntropyRows(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                 double[] loss, int lossOffset);

    /**
     * {@code out[i] = (a[i] − y[i])·scale} for n elements, rounded as written (difference, then
     * product): the output error of both losses for any slice of a batch ({@code scale} = 2/B for
     * MSE, 1/B for softmax cross-entropy), bit-identical to what {@link #mseLoss} and
     * {@link #softmaxCrossEntropy} write. {@code out} may be {@code a}.
     */
    void scaledDifference(int n, float scale, float[] a, int aOffset, float[] y, int yOffset,
                          float[] out, int outOffset);

    // ------------------------------------------------------------------------------------------
    // Kernels of the layers beyond dense + the classic activations, and of the optimizers. The
    // optimizer kernels update one flat slice of parameters with their state at the same offset,
    // so a whole network is one call.
    // ------------------------------------------------------------------------------------------

    /**
     * Element-wise product {@code out := x ∘ y} over n elements. {@code out} may be the same slice
     * as {@code x} or {@code y} (same array and offset); other overlaps are not allowed.
     */
    void multiply(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset);

    /** In place square root {@code x := √x} over n elements (correctly rounded; NaN for x &lt; 0). */
    void sqrt(int n, float[] x, int xOffset);

    /**
     * In place GELU, tanh approximation: {@code x := x·(1 + tanh(u))/2} with
     * {@code u = √(2/π)·(x + 0.044715·x³)}, computed as {@code x·σ(2u)} (the same function).
     * The SIMD version's accuracy against double precision is documented in the README.
     */
    void gelu(int n, float[] x, int xOffset);

    /**
     * The derivative product of a GELU layer given its pre-activation Z (GELU's derivative is not
     * a function of its output): {@code d := d ∘ gelu'(Z)} with
     * {@code gelu'(z) = s + z·s·(1 − s)·2u'(z)}, {@code s = σ(2u(z))},
     * {@code u'(z) = √(2/π)·(1 + 3·0.044715·z²)}.
     */
    void geluBackward(int n, float[] z, int zOffset, float[] d, int dOffset);

    /** In place SiLU (swish) {@code x := x·σ(x) = x / (1 + e^(−x))} over n elements. */
    void silu(int n, float[] x, int xOffset);

    /**
     * The derivative product of a SiLU layer given its pre-activation Z:
     * {@code d := d ∘ (s + z·s·(1 − s))} with {@code s = σ(z)}.
     */
    void siluBackward(int n, float[] z, int zOffset, float[] d, int dOffset);

    /**
     * {@code Σ x²} over n elements, accumulated in double (for the global gradient norm). The
     * order of the additions depends on the implementation and its vector width but never on the
     * thread count.
     */
    double sumOfSquares(int n, float[] x, int xOffset);

    /**
     * One step of gradient descent with heavy-ball momentum and L2 weight decay over n parameters,
     * all four arrays sliced at the same {@code offset}: {@code g' = g + λ·θ} (skipped when
     * λ = 0), {@code v := μ·v + g'}, {@code θ := θ − η·v}. The gradient is not modified. The
     * last step rounds like {@link #axpy} of the same implementation (the SIMD kernels fuse its
     * multiply-add), so a momentum step equals the sequence scale, axpy, axpy bit for bit.
     *
     * @param learningRate η
     * @param momentum     μ
     * @param weightDecay  λ ≥ 0, coupled (added to the gradient)
     */
    void momentumUpdate(int n, float learningRate, float momentum, float weightDecay,
                        float[] grad, float[] velocity, float[] params, int offset);

    /**
     * One Adam / AdamW step over n parameters, all arrays sliced at the same {@code offset}:
     * {@code θ := θ − η·λ·θ} (decoupled weight decay, skipped when λ = 0), then
     * {@code m := β₁·m + (1−β₁)·g}, {@code v := β₂·v + (1−β₂)·g·g},
     * {@code θ := θ − η·(m·c₁) / (√(v·c₂) + ε)}, where c₁ = 1/(1−β₁ᵗ) and c₂ = 1/(1−β₂ᵗ) are the
     * bias corrections of step t. Every operation is rounded to float in this order (no fused
     * multiply-add), so all implementations give identical bits.
     */
    void adamUpdate(int n, float learningRate, float beta1, float beta2, float c1, float c2, float epsilon,
                    float weightDecay, float[] grad, float[] m, float[] v, float[] params, int offset);
}
