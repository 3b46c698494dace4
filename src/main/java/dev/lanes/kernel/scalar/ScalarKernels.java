package dev.lanes.kernel.scalar;

import dev.lanes.kernel.spi.CheckedKernels;

/**
 * The reference kernels: plain loops that follow the definitions literally, single-threaded.
 * Every fast kernel is tested against these; they are also the fallback when the Vector API cannot
 * run. Transcendental functions go through {@link Math} in double precision.
 */
public class ScalarKernels extends CheckedKernels {

    private final String reason;

    /** @param reason why this implementation is in use, for {@link #describe()} */
    public ScalarKernels(String reason) {
        this.reason = reason;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int vectorBits() {
        return Float.SIZE;
    }

    @Override
    public int threads() {
        return 1;
    }

    /** Whether this instance stands in for SIMD kernels that could not run (its reason starts with "fallback:"). */
    public boolean isFallback() {
        return reason.startsWith("fallback:");
    }

    @Override
    public String describe() {
        return "reference (scalar loops, one 32-bit float at a time), 1 thread; " + reason;
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    protected void doSgemm(boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float[] a, int aOffset, int lda,
                           float[] b, int bOffset, int ldb,
                           float beta, float[] c, int cOffset, int ldc) {
        // op(A)(i, p) = a[aOffset + i*aRow + p*aCol], op(B)(p, j) = b[bOffset + p*bRow + j*bCol].
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb;
        int bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aOffset + i * aRow + p * aCol] * b[bOffset + p * bRow + j * bCol];
                }
                int ci = cOffset + i * ldc + j;
                c[ci] = beta == 0f ? alpha * sum : alpha * sum + beta * c[ci];
            }
        }
    }

    @Override
    protected void doDgemm(boolean transA, boolean transB, int m, int n, int k,
                           double alpha, double[] a, int aOffset, int lda,
                           double[] b, int bOffset, int ldb,
                           double beta, double[] c, int cOffset, int ldc) {
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb;
        int bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0d;
                for (int p = 0; p < k; p++) {
                    sum += a[aOffset + i * aRow + p * aCol] * b[bOffset + p * bRow + j * bCol];
                }
                int ci = cOffset + i * ldc + j;
                c[ci] = beta == 0d ? alpha * sum : alpha * sum + beta * c[ci];
            }
        }
    }

    /** The reference keeps op(B) as a plain k×n row-major copy: nothing to get wrong. */
    @Override
    protected String packedFamily() {
        return "reference";
    }

    @Override
    protected String packedLayout(int k, int n) {
        return "op(B) copied k x n row-major";
    }

    @Override
    protected long packedSize(int k, int n) {
        return (long) k * n;
    }

    @Override
    protected void doPackB(boolean transB, int k, int n, float[] b, int bOffset, int ldb, float[] dst) {
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                dst[p * n + j] = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
            }
        }
    }

    @Override
    protected void doSgemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                                 float[] packed, float beta, float[] c, int cOffset, int ldc) {
        doSgemm(transA, false, m, n, k, alpha, a, aOffset, lda, packed, 0, n, beta, c, cOffset, ldc);
    }

    @Override
    protected void doSgemmBias(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, int lda,
                               float[] b, int bOffset, int ldb, float[] bias, int biasOffset, boolean relu,
                               float[] c, int cOffset, int ldc) {
        doSgemm(transA, transB, m, n, k, 1f, a, aOffset, lda, b, bOffset, ldb, 0f, c, cOffset, ldc);
        addBiasAndRelu(m, n, bias, biasOffset, relu, c, cOffset, ldc);
    }

    @Override
    protected void doSgemmBias(boolean transA, int m, int n, int k, float[] a, int aOffset, int lda,
                               float[] packed, float[] bias, int biasOffset, boolean relu,
                               float[] c, int cOffset, int ldc) {
        doSgemmPacked(transA, m, n, k, 1f, a, aOffset, lda, packed, 0f, c, cOffset, ldc);
        addBiasAndRelu(m, n, bias, biasOffset, relu, c, cOffset, ldc);
    }

    @Override
    protected void doSgemv(boolean trans, int m, int n, float alpha, float[] a, int aOffset, int lda,
                           float[] x, int xOffset, float beta, float[] y, int yOffset) {
        // op(A)(i, j) = a[aOffset + i*row + j*col]; op(A) is rows×cols.
        int rows = trans ? n : m;
        int cols = trans ? m : n;
        int row = trans ? 1 : lda;
        int col = trans ? lda : 1;
        for (int i = 0; i < rows; i++) {
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                sum += a[aOffset + i * row + j * col] * x[xOffset + j];
            }
            int yi = yOffset + i;
            y[yi] = beta == 0f ? alpha * sum : alpha * sum + beta * y[yi];
        }
    }

    @Override
    protected void doAddRowVector(int rows, int cols, float[] v, int vOffset, float[] x, int xOffset, int ldx) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[xOffset + i * ldx + j] += v[vOffset + j];
            }
        }
    }

    @Override
    protected int doStandardize(int rows, int cols, float[] x, int xOffset, int ldx, float[] mean, int meanOffset,
                                float[] std, int stdOffset, float[] y, int yOffset, int ldy) {
        int firstBad = -1;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = (x[xOffset + i * ldx + j] - mean[meanOffset + j]) / std[stdOffset + j];
                y[yOffset + i * ldy + j] = v;
                if (firstBad < 0 && !Float.isFinite(v)) {
                    firstBad = i * cols + j;
                }
            }
        }
        return firstBad;
    }

    @Override
    protected void doColumnSums(int rows, int cols, float[] x, int xOffset, int ldx, float[] out, int outOffset) {
        for (int j = 0; j < cols; j++) {
            float sum = 0f;
            for (int i = 0; i < rows; i++) {
                sum += x[xOffset + i * ldx + j];
            }
            out[outOffset + j] = sum;
        }
    }

    @Override
    protected void doAxpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }

    @Override
    protected void doScale(int n, float alpha, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] = alpha == 0f ? 0f : alpha * x[xOffset + i];
        }
    }

    @Override
    protected void doExp(int n, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] = (float) Math.exp(x[xOffset + i]);
        }
    }

    @Override
    protected void doSigmoid(int n, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] = (float) (1.0 / (1.0 + Math.exp(-(double) x[xOffset + i])));
        }
    }

    @Override
    protected void doTanh(int n, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] = (float) Math.tanh(x[xOffset + i]);
        }
    }

    @Override
    protected void doRelu(int n, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            x[xOffset + i] = v < 0f ? 0f : v;
        }
    }

    @Override
    protected void doSigmoidBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        for (int i = 0; i < n; i++) {
            float a = activations[aOffset + i];
            d[dOffset + i] *= a * (1f - a);
        }
    }

    @Override
    protected void doTanhBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        for (int i = 0; i < n; i++) {
            float a = activations[aOffset + i];
            d[dOffset + i] *= 1f - a * a;
        }
    }

    @Override
    protected void doReluBackward(int n, float[] activations, int aOffset, float[] d, int dOffset) {
        for (int i = 0; i < n; i++) {
            if (!(activations[aOffset + i] > 0f)) {
                d[dOffset + i] = 0f;
            }
        }
    }

    @Override
    protected void doSoftmaxRows(int rows, int cols, float[] x, int xOffset, int ldx) {
        for (int i = 0; i < rows; i++) {
            int row = xOffset + i * ldx;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[row + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[row + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                x[row + j] = (float) (Math.exp(x[row + j] - max) / sum);
            }
        }
    }

    @Override
    protected double doMseLoss(int rows, int cols, float[] a, int aOffset, float[] y, int yOffset,
                               float[] grad, int gradOffset) {
        double total = 0;
        float g = 2f / rows;
        for (int i = 0; i < rows * cols; i++) {
            float diff = a[aOffset + i] - y[yOffset + i];
            total += (double) diff * diff;
            if (grad != null) {
                grad[gradOffset + i] = g * diff;
            }
        }
        return total / rows;
    }

    @Override
    protected double doSoftmaxCrossEntropy(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                           float[] grad, int gradOffset) {
        // Per-row losses summed in row order: the same value a batch split into row slices gets
        // from softmaxCrossEntropyRows.
        double total = 0;
        for (int i = 0; i < rows; i++) {
            total += softmaxRowLoss(cols, z, zOffset + i * cols, y, yOffset + i * cols);
        }
        if (grad != null) {
            doScaledDifference(rows * cols, 1f / rows, z, zOffset, y, yOffset, grad, gradOffset);
        }
        return total / rows;
    }

    @Override
    protected void doSoftmaxCrossEntropyRows(int rows, int cols, float[] z, int zOffset, float[] y, int yOffset,
                                             double[] loss, int lossOffset) {
        for (int i = 0; i < rows; i++) {
            loss[lossOffset + i] = softmaxRowLoss(cols, z, zOffset + i * cols, y, yOffset + i * cols);
        }
    }

    /** Replaces one row of logits by its softmax and returns −Σⱼ yⱼ·log pⱼ, in double. */
    private static double softmaxRowLoss(int cols, float[] z, int row, float[] y, int yRow) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, z[row + j]);
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            sum += Math.exp(z[row + j] - max);
        }
        double logSum = Math.log(sum);
        double loss = 0;
        for (int j = 0; j < cols; j++) {
            double logP = z[row + j] - max - logSum;
            float yj = y[yRow + j];
            if (yj != 0f) {
                loss -= yj * logP;
            }
            z[row + j] = (float) Math.exp(logP);
        }
        return loss;
    }

    @Override
    protected void doScaledDifference(int n, float scale, float[] a, int aOffset, float[] y, int yOffset,
                                      float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = (a[aOffset + i] - y[yOffset + i]) * scale;
        }
    }

    // ---------------------------------------------------------------- layers and optimizers

    @Override
    protected void doMultiply(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = x[xOffset + i] * y[yOffset + i];
        }
    }

    @Override
    protected void doSqrt(int n, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] = (float) Math.sqrt(x[xOffset + i]);
        }
    }

    /** √(2/π), the GELU constant. */
    static final double GELU_C = Math.sqrt(2.0 / Math.PI);
    /** The cubic coefficient of the GELU tanh approximation. */
    static final double GELU_A = 0.044715;

    @Override
    protected void doGelu(int n, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            double z = x[xOffset + i];
            // z·(1 + tanh u)/2 = z·σ(2u), without the cancellation of 1 + tanh u for u ≪ 0
            x[xOffset + i] = (float) (z / (1.0 + Math.exp(-2.0 * GELU_C * (z + GELU_A * z * z * z))));
        }
    }

    @Override
    protected void doGeluBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        for (int i = 0; i < n; i++) {
            double v = z[zOffset + i];
            double s = 1.0 / (1.0 + Math.exp(-2.0 * GELU_C * (v + GELU_A * v * v * v)));
            double dt = 2.0 * GELU_C * (1.0 + 3.0 * GELU_A * v * v);
            d[dOffset + i] = (float) (d[dOffset + i] * (s + v * s * (1.0 - s) * dt));
        }
    }

    @Override
    protected void doSilu(int n, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            double z = x[xOffset + i];
            x[xOffset + i] = (float) (z / (1.0 + Math.exp(-z)));
        }
    }

    @Override
    protected void doSiluBackward(int n, float[] z, int zOffset, float[] d, int dOffset) {
        for (int i = 0; i < n; i++) {
            double v = z[zOffset + i];
            double s = 1.0 / (1.0 + Math.exp(-v));
            d[dOffset + i] = (float) (d[dOffset + i] * (s + v * s * (1.0 - s)));
        }
    }

    @Override
    protected double doSumOfSquares(int n, float[] x, int xOffset) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double v = x[xOffset + i];
            sum += v * v;
        }
        return sum;
    }

    @Override
    protected void doMomentumUpdate(int n, float learningRate, float momentum, float weightDecay,
                                    float[] grad, float[] velocity, float[] params, int offset) {
        float step = -learningRate;
        for (int i = offset; i < offset + n; i++) {
            float g = weightDecay == 0f ? grad[i] : grad[i] + weightDecay * params[i];
            float v = momentum * velocity[i] + g;
            velocity[i] = v;
            params[i] += step * v;
        }
    }

    @Override
    protected void doAdamUpdate(int n, float learningRate, float beta1, float beta2, float c1, float c2,
                                float epsilon, float weightDecay, float[] grad, float[] m, float[] v,
                                float[] params, int offset) {
        float a1 = 1f - beta1;
        float a2 = 1f - beta2;
        float decay = learningRate * weightDecay;
        for (int i = offset; i < offset + n; i++) {
            float g = grad[i];
            float mi = beta1 * m[i] + a1 * g;
            float vi = beta2 * v[i] + a2 * g * g;
            m[i] = mi;
            v[i] = vi;
            float theta = params[i];
            if (weightDecay != 0f) {
                theta -= decay * theta;
            }
            params[i] = theta - learningRate * (mi * c1) / ((float) Math.sqrt(vi * c2) + epsilon);
        }
    }
}
