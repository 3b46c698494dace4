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
 * <p>Forward and backward sit side by side; each is a handful of kernel calls over the whole
 * batch and never loops over examples.
 */
public final class Dense {

    private final int inputs;
    private final int units;
    private final Activation activation;
    private final float[] w;
    private final float[] b;

    Dense(int inputs, int units, Activation activation, Random rng) {
        this.inputs = inputs;
        this.units = units;
        this.activation = activation;
        this.w = new float[units * inputs];
        this.b = new float[units];
        // Uniform variants keep the draw count fixed (one nextFloat per weight), so the same seed
        // gives the same network on every JDK. Glorot: Var = 2/(n+m); He: Var = 2/n.
        double limit = activation.usesHeInitialisation()
                ? Math.sqrt(6.0 / inputs)
                : Math.sqrt(6.0 / (inputs + units));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((2.0 * rng.nextFloat() - 1.0) * limit);
        }
    }

    /** n = m_{ℓ−1}, the width of the layer's input. */
    public int inputs() {
        return inputs;
    }

    /** m = m_ℓ, the number of neurons. */
    public int units() {
        return units;
    }

    /** σ of this layer. */
    public Activation activation() {
        return activation;
    }

    /**
     * The live weight matrix W (m×n row-major, length m·n): a view, not a copy. Writes change the
     * model; optimizers update it in place. Use {@link Network#weights(int)} for a copy.
     */
    public float[] weightsView() {
        return w;
    }

    /** The live bias vector b (length m): a view, not a copy. */
    public float[] biasesView() {
        return b;
    }

    /**
     * Forward over a batch: Z = A_prev·Wᵀ + b, then A = σ(Z) in place.
     *
     * @param aPrev           A_prev, B×n row-major (ld = n) at {@code aPrevOffset}
     * @param out             receives Z and then A, B×m row-major (ld = m) from offset 0
     * @param applyActivation false leaves the pre-activation Z in {@code out} (the fused
     *                        softmax-cross-entropy loss applies the softmax itself)
     */
    void forward(Kernels k, int batch, float[] aPrev, int aPrevOffset, float[] out, boolean applyActivation) {
        // Z[B×m] = A_prev[B×n] · W[m×n]ᵀ
        k.sgemm(NONE, TRANSPOSE, batch, units, inputs,
                1f, aPrev, aPrevOffset, inputs, w, 0, inputs, 0f, out, 0, units);
        // Z[B×m] += b[m], broadcast over the rows
        k.addRowVector(batch, units, b, 0, out, 0, units);
        if (applyActivation) {
            // A[B×m] = σ(Z[B×m]), in place
            activation.forward(k, batch, units, out, 0);
        }
    }

    /**
     * Backward over a batch, given this layer's error Δ = ∂C/∂Z (B×m): the parameter gradients
     * (eqs. (62), (63) summed over the batch; the 1/B already sits in Δ) and, when asked, the
     * previous layer's error (eq. (59)).
     *
     * @param aPrev          A_prev as used in forward, B×n (ld = n) at {@code aPrevOffset}
     * @param delta          Δ, B×m (ld = m) from offset 0; not modified
     * @param dW             receives ∂C/∂W, m×n
     * @param db             receives ∂C/∂b, m
     * @param deltaPrev      receives Δ_prev = (Δ·W) ∘ σ'_prev(Z_prev), B×n; null for the first
     *                       layer, whose input needs no gradient
     * @param prevActivation σ of the previous layer, whose output is {@code aPrev}
     */
    void backward(Kernels k, int batch, float[] aPrev, int aPrevOffset, float[] delta,
                  float[] dW, float[] db, float[] deltaPrev, Activation prevActivation) {
        // dW[m×n] = Δ[B×m]ᵀ · A_prev[B×n]
        k.sgemm(TRANSPOSE, NONE, units, inputs, batch,
                1f, delta, 0, units, aPrev, aPrevOffset, inputs, 0f, dW, 0, inputs);
        // db[m] = Σ_rows Δ[B×m]
        k.columnSums(batch, units, delta, 0, units, db, 0);
        if (deltaPrev != null) {
            // dA_prev[B×n] = Δ[B×m] · W[m×n]
            k.sgemm(NONE, NONE, batch, inputs, units,
                    1f, delta, 0, units, w, 0, inputs, 0f, deltaPrev, 0, inputs);
            // Δ_prev[B×n] = dA_prev ∘ σ'(Z_prev), σ' taken from A_prev
            prevActivation.backward(k, batch * inputs, aPrev, aPrevOffset, deltaPrev, 0);
        }
    }
}
