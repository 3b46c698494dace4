package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

import java.util.Random;

import static dev.lanes.kernel.Transpose.NONE;
import static dev.lanes.kernel.Transpose.TRANSPOSE;

/**
 * A fully connected layer ℓ with n = m_{ℓ−1} inputs and m = m_ℓ outputs, laid out as in §6 of the
 * notes: W is m×n row-major (element (j, i) at {@code W[j·n + i]} connects input i to neuron j),
 * b has m entries. A mini-batch is a B×n row-major matrix, one example per row, so the per-example
 * z = W·a + b of the notes becomes Z = A·Wᵀ + b for the whole batch.
 *
 * <p>Parameter layout in the network's flat array, from the layer's offset: W (m·n values,
 * row-major), then b (m values). The gradients use the same layout.
 *
 * <p>Bias and activation are fused into the layer's forward right after the GEMM, and its backward
 * starts with the activation's derivative. A SOFTMAX layer outputs its logits Z: the softmax is
 * applied by the network, fused with the cross-entropy loss (whose error ∂C/∂Z is what this
 * layer's backward then receives) or once before returning predictions.
 */
public final class Dense implements Layer {

    private final DenseSpec spec;
    private final int inputs;
    private final int units;
    private final Activation activation;
    private float[] params;
    private int weightOffset;
    private int biasOffset;
    /** Z of the last batch, kept only for activations whose derivative needs it. */
    private float[] preActivation = new float[0];

    Dense(DenseSpec spec, int inputs) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be >= 1 but was " + inputs);
        }
        this.spec = spec;
        this.inputs = inputs;
        this.units = spec.units();
        this.activation = spec.activation();
    }

    @Override
    public DenseSpec spec() {
        return spec;
    }

    /** n = m_{ℓ−1}, the width of the layer's input. */
    @Override
    public int inputs() {
        return inputs;
    }

    @Override
    public int outputs() {
        return units;
    }

    /** m = m_ℓ, the number of neurons. */
    public int units() {
        return units;
    }

    /** σ of this layer. */
    public Activation activation() {
        return activation;
    }

    @Override
    public int parameterCount() {
        return units * inputs + units;
    }

    @Override
    public void bind(float[] parameters, int offset) {
        this.params = parameters;
        this.weightOffset = offset;
        this.biasOffset = offset + units * inputs;
    }

    /** Offset of W (m×n row-major) in the network's flat parameter array. */
    public int weightOffset() {
        return weightOffset;
    }

    /** Offset of b (m values) in the network's flat parameter array. */
    public int biasOffset() {
        return biasOffset;
    }

    /**
     * Weights uniform in ±√(6/(n+m)) (Xavier/Glorot), or ±√(6/n) (He) for ReLU-like activations;
     * biases 0. One {@code nextFloat} per weight in row-major order, so a seed gives the same
     * network on every JDK.
     */
    @Override
    public void initialize(Random rng) {
        double limit = activation.usesHeInitialisation()
                ? Math.sqrt(6.0 / inputs)
                : Math.sqrt(6.0 / (inputs + units));
        int end = weightOffset + units * inputs;
        for (int i = weightOffset; i < end; i++) {
            params[i] = (float) ((2.0 * rng.nextFloat() - 1.0) * limit);
        }
        java.util.Arrays.fill(params, biasOffset, biasOffset + units, 0f);
    }

    @Override
    public void ensureCapacity(int rows) {
        if (activation.needsPreActivation() && preActivation.length < rows * units) {
            preActivation = new float[rows * units];
        }
    }

    /** Z = A_prev·Wᵀ + b, then A = σ(Z) in place (logits stay for SOFTMAX). */
    @Override
    public void forward(Kernels k, int rows, float[] in, int inOffset, float[] out, boolean training) {
        // Z[B×m] = A_prev[B×n] · W[m×n]ᵀ
        k.sgemm(NONE, TRANSPOSE, rows, units, inputs,
                1f, in, inOffset, inputs, params, weightOffset, inputs, 0f, out, 0, units);
        // Z[B×m] += b[m], broadcast over the rows
        k.addRowVector(rows, units, params, biasOffset, out, 0, units);
        if (activation.needsPreActivation()) {
            System.arraycopy(out, 0, preActivation, 0, rows * units);
        }
        // A[B×m] = σ(Z[B×m]), in place
        activation.forward(k, rows * units, out, 0);
    }

    /**
     * Δ = dOut ∘ σ'(Z) (in place in dOut; for SOFTMAX dOut already is ∂C/∂Z), then the parameter
     * gradients (eqs. (62), (63) summed over the batch; the 1/B already sits in Δ) and, when asked,
     * dIn = Δ·W (eq. (59) before the previous layer's σ', which that layer applies itself).
     */
    @Override
    public void backward(Kernels k, int rows, float[] in, int inOffset, float[] out, float[] dOut,
                         float[] grad, float[] dIn) {
        if (activation != Activation.SOFTMAX) {
            // Δ[B×m] = dOut ∘ σ'(Z)
            activation.backward(k, rows * units, out, 0, preActivation, 0, dOut, 0);
        }
        // dW[m×n] = Δ[B×m]ᵀ · A_prev[B×n]
        k.sgemm(TRANSPOSE, NONE, units, inputs, rows,
                1f, dOut, 0, units, in, inOffset, inputs, 0f, grad, weightOffset, inputs);
        // db[m] = Σ_rows Δ[B×m]
        k.columnSums(rows, units, dOut, 0, units, grad, biasOffset);
        if (dIn != null) {
            // dA_prev[B×n] = Δ[B×m] · W[m×n]
            k.sgemm(NONE, NONE, rows, inputs, units,
                    1f, dOut, 0, units, params, weightOffset, inputs, 0f, dIn, 0, inputs);
        }
    }
}
