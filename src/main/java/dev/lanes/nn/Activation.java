package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

/**
 * The activation σ of a dense layer, applied element-wise to the pre-activation Z = A·Wᵀ + b.
 *
 * <p>The backward pass needs σ'(Z). For every activation here σ' can be written in terms of the
 * layer's output A = σ(Z) (the notes' eq. (10) for the sigmoid), so a layer keeps only A and the
 * pre-activation Z is overwritten in place.
 */
public enum Activation {
    /** Logistic sigmoid σ(z) = 1/(1 + e^(−z)) (notes eq. (8)); σ' = A∘(1 − A) (eq. (10)). */
    SIGMOID,
    /** Hyperbolic tangent; σ' = 1 − A². */
    TANH,
    /** Rectifier max(z, 0); σ' = 1 where A &gt; 0, else 0 (0 at the kink). */
    RELU,
    /** The identity (a linear layer); σ' = 1. */
    IDENTITY,
    /**
     * Row-wise softmax, p_j = e^(z_j)/Σ_k e^(z_k). Allowed only on the output layer and only
     * together with {@link Loss#CROSS_ENTROPY}, where the pair's error is simply
     * ∂C/∂Z = (P − Y)/B and no softmax Jacobian is ever formed.
     */
    SOFTMAX;

    /** Whether the weights of a layer with this activation are initialised with He (else Xavier/Glorot). */
    public boolean usesHeInitialisation() {
        return this == RELU;
    }

    /** Applies σ in place to the rows×cols row-major block (ld = cols) at {@code offset}. */
    void forward(Kernels k, int rows, int cols, float[] x, int offset) {
        int n = rows * cols;
        switch (this) {
            case SIGMOID -> k.sigmoid(n, x, offset);
            case TANH -> k.tanh(n, x, offset);
            case RELU -> k.relu(n, x, offset);
            case IDENTITY -> { }
            case SOFTMAX -> k.softmaxRows(rows, cols, x, offset, cols);
        }
    }

    /**
     * {@code d := d ∘ σ'(Z)} over n elements, with σ' computed from the layer output A.
     *
     * @throws IllegalStateException for {@link #SOFTMAX}, whose derivative only exists fused with
     *     cross-entropy
     */
    void backward(Kernels k, int n, float[] a, int aOffset, float[] d, int dOffset) {
        switch (this) {
            case SIGMOID -> k.sigmoidBackward(n, a, aOffset, d, dOffset);
            case TANH -> k.tanhBackward(n, a, aOffset, d, dOffset);
            case RELU -> k.reluBackward(n, a, aOffset, d, dOffset);
            case IDENTITY -> { }
            case SOFTMAX -> throw new IllegalStateException(
                    "softmax has no stand-alone backward; it is only used fused with cross-entropy");
        }
    }
}
