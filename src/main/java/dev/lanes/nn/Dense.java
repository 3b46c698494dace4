package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.PackedMatrix;

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
    /**
     * W packed for the micro-kernels once per batch, when the batch is split into row ranges that
     * would each pack it again: as op(B) = Wᵀ of the forward product, and as B = W of Δ·W.
     * Made on the first such batch; null before.
     */
    private PackedMatrix forwardWeights;
    private PackedMatrix backwardWeights;
    /** Whether the packed copies hold this batch's weights: {@link #beginShared} to {@link #beginBatch}. */
    private boolean sharedForward;
    private boolean sharedBackward;
    /** The kernels the packed copies were made by (their layout). */
    private Kernels packedBy;

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

    @Override
    public void beginBatch(int rows, boolean training) {
        sharedForward = false;
        sharedBackward = false;
    }

    /**
     * W is packed once for the batch (part by part, on every thread) instead of once per row
     * range: the products of ranges of two rows or more then read the packed copy, which gives
     * the bits of the plain product; a single row keeps the plain product (the prepacked one
     * takes another path for it). So nothing changes but the time. The two packed copies (about
     * 8 bytes per weight together) are made on the first split batch and kept.
     */
    @Override
    public boolean beginShared(Kernels k, boolean backward) {
        if (packedBy != k) {
            forwardWeights = null;
            backwardWeights = null;
            packedBy = k;
        }
        if (forwardWeights == null) {
            forwardWeights = k.packB(TRANSPOSE, inputs, units, params, weightOffset, inputs);
        }
        if (backward && backwardWeights == null) {
            backwardWeights = k.packB(NONE, units, inputs, params, weightOffset, inputs);
        }
        sharedForward = true;
        sharedBackward = backward;
        return true;
    }

    @Override
    public void prepareShared(Kernels k, int part, int parts) {
        k.repackB(TRANSPOSE, params, weightOffset, inputs, forwardWeights, part, parts);
        if (sharedBackward) {
            k.repackB(NONE, params, weightOffset, inputs, backwardWeights, part, parts);
        }
    }

    /** Z = A_prev·Wᵀ + b, then A = σ(Z) in place (logits stay for SOFTMAX), for a range of rows. */
    @Override
    public void forward(Kernels k, int first, int count, float[] in, int inOffset, float[] out, boolean training) {
        int o = first * units;
        // Z[count×m] = A_prev[count×n] · W[m×n]ᵀ + b on every row; a ReLU is applied in the same
        // call, as the product's tiles are written (the bits of the three separate passes).
        boolean relu = activation == Activation.RELU;
        // A single row takes another path in the prepacked product (other bits): never shared.
        if (sharedForward && count >= 2) {
            k.sgemmBias(NONE, count, in, inOffset + first * inputs, inputs, forwardWeights, params, biasOffset, relu,
                    out, o, units);
        } else {
            k.sgemmBias(NONE, TRANSPOSE, count, units, inputs, in, inOffset + first * inputs, inputs,
                    params, weightOffset, inputs, params, biasOffset, relu, out, o, units);
        }
        if (activation.needsPreActivation()) {
            System.arraycopy(out, o, preActivation, o, count * units);
        }
        if (!relu) {
            // A = σ(Z), in place
            activation.forward(k, count * units, out, o);
        }
    }

    /**
     * Δ = dOut ∘ σ'(Z) in place (for SOFTMAX dOut already is ∂C/∂Z), then dIn = Δ·W (eq. (59)
     * before the previous layer's σ', which that layer applies itself), for a range of rows.
     */
    @Override
    public void backwardRows(Kernels k, int first, int count, float[] out, float[] delta, float[] dIn) {
        int o = first * units;
        if (activation != Activation.SOFTMAX) {
            activation.backward(k, count * units, out, o, preActivation, o, delta, o);
        }
        if (dIn != null) {
            // dA_prev[count×n] = Δ[count×m] · W[m×n]
            if (sharedBackward && count >= 2) {
                k.sgemm(NONE, count, 1f, delta, o, units, backwardWeights, 0f, dIn, first * inputs, inputs);
            } else {
                k.sgemm(NONE, NONE, count, inputs, units,
                        1f, delta, o, units, params, weightOffset, inputs, 0f, dIn, first * inputs, inputs);
            }
        }
    }

    /** One unit per neuron: its row of W and its bias. */
    @Override
    public int gradientUnits() {
        return units;
    }

    @Override
    public long gradientWorkPerUnit(int rows) {
        return (long) rows * (inputs + 1);
    }

    /**
     * Rows {@code [from, to)} of dW = Δᵀ·A_prev and of db = Σ_rows Δ (eqs. (62), (63) summed over
     * the batch; the 1/B already sits in Δ). Every gradient value is a sum over the whole batch in
     * the same order whatever the range, so the split never changes a bit.
     */
    @Override
    public void parameterGradients(Kernels k, int rows, float[] in, int inOffset, float[] delta, float[] grad,
                                   int from, int to) {
        int count = to - from;
        // dW[from:to, n] = Δ[B, from:to]ᵀ · A_prev[B×n]
        k.sgemm(TRANSPOSE, NONE, count, inputs, rows,
                1f, delta, from, units, in, inOffset, inputs, 0f, grad, weightOffset + from * inputs, inputs);
        // db[from:to] = Σ_rows Δ[B, from:to]
        k.columnSums(rows, count, delta, from, units, grad, biasOffset + from);
    }

    /** Rows {@code [from, to)} of W, then entries {@code [from, to)} of b. */
    @Override
    public void updateUnits(StepUpdate update, int from, int to) {
        update.apply(weightOffset + from * inputs, weightOffset + to * inputs);
        update.apply(biasOffset + from, biasOffset + to);
    }
}
