package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

import java.util.Locale;

/**
 * The activation σ of a dense layer, applied element-wise to the pre-activation Z = A·Wᵀ + b.
 *
 * <p>The backward pass needs σ'(Z). For SIGMOID, TANH, RELU and IDENTITY σ' can be written in
 * terms of the layer's output A = σ(Z) (the notes' eq. (10) for the sigmoid), so the layer keeps
 * only A. GELU and SILU need Z itself ({@link #needsPreActivation()}); their layer keeps a copy.
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
    SOFTMAX,
    /**
     * GELU in its tanh approximation, z·(1 + tanh(√(2/π)(z + 0.044715z³)))/2 (as in GPT-2 and
     * PyTorch's {@code approximate="tanh"}); σ' needs Z (see {@link Kernels#geluBackward}).
     */
    GELU,
    /** SiLU (swish), z·σ(z); σ' = s + z·s(1 − s) with s = σ(z), from Z. */
    SILU;

    /** Whether the weights of a layer with this activation are initialised with He (else Xavier/Glorot). */
    public boolean usesHeInitialisation() {
        return this == RELU || this == GELU || this == SILU;
    }

    /** Whether σ' needs the pre-activation Z rather than the output A. */
    public boolean needsPreActivation() {
        return this == GELU || this == SILU;
    }

    /** The lower-case name model files and the command line use, e.g. {@code relu}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The activation whose {@link #fileName()} is {@code s}, or null. */
    public static Activation fromFileName(String s) {
        for (Activation a : values()) {
            if (a.fileName().equals(s)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Applies σ in place to the rows×cols row-major block (ld = cols) at {@code offset}.
     * SOFTMAX is applied by the network (fused with the loss, or for prediction), never here.
     */
    void forward(Kernels k, int n, float[] x, int offset) {
        switch (this) {
            case SIGMOID -> k.sigmoid(n, x, offset);
            case TANH -> k.tanh(n, x, offset);
            case RELU -> k.relu(n, x, offset);
            case GELU -> k.gelu(n, x, offset);
            case SILU -> k.silu(n, x, offset);
            case IDENTITY, SOFTMAX -> { }
        }
    }

    /**
     * {@code d := d ∘ σ'(Z)} over n elements, from the layer output A or (for GELU and SiLU) its
     * pre-activation Z.
     *
     * @throws IllegalStateException for {@link #SOFTMAX}, whose derivative only exists fused with
     *     cross-entropy
     */
    void backward(Kernels k, int n, float[] a, int aOffset, float[] z, int zOffset, float[] d, int dOffset) {
        switch (this) {
            case SIGMOID -> k.sigmoidBackward(n, a, aOffset, d, dOffset);
            case TANH -> k.tanhBackward(n, a, aOffset, d, dOffset);
            case RELU -> k.reluBackward(n, a, aOffset, d, dOffset);
            case GELU -> k.geluBackward(n, z, zOffset, d, dOffset);
            case SILU -> k.siluBackward(n, z, zOffset, d, dOffset);
            case IDENTITY -> { }
            case SOFTMAX -> throw new IllegalStateException(
                    "softmax has no stand-alone backward; it is only used fused with cross-entropy");
        }
    }
}
