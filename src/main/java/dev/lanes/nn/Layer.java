package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

import java.util.Random;

/**
 * One layer of a {@link Network}: a forward map from a B×n input batch to a B×m output batch and
 * the backward map that turns ∂C/∂(output) into the gradients of the layer's own parameters and
 * ∂C/∂(input). Each layer owns its derivative; the network only chains layers.
 *
 * <h2>Parameters</h2>
 * A layer does not own its parameters: the network keeps all of them in one flat {@code float[]}
 * and {@linkplain #bind binds} each layer to its slice {@code [offset, offset + parameterCount())}.
 * The gradients live in a second flat array with the same layout ({@link Gradients#flat()}), so a
 * layer writes ∂C/∂θ at the offset of θ. A layer with parameters documents its layout within the
 * slice ({@link Dense}: W then b).
 *
 * <h2>Buffers</h2>
 * Batches are row-major with the layer's width as leading dimension, from offset 0 unless an
 * offset is given. The network owns every output and error buffer; a layer may keep per-batch
 * buffers of its own (a dropout mask, a pre-activation) sized by {@link #ensureCapacity}, and must
 * allocate nothing in {@link #forward} and {@link #backward}.
 *
 * <h2>Adding a kind</h2>
 * A new kind is a class implementing this interface plus a {@link LayerSpec} that creates it;
 * register the spec's kind in {@link LayerSpecs} so model files can name it.
 */
public interface Layer {

    /** The layer's architecture as plain data. */
    LayerSpec spec();

    /** n, the width of each input row. */
    int inputs();

    /** m, the width of each output row. */
    int outputs();

    /** Number of trainable parameters (0 for a layer without any). */
    int parameterCount();

    /**
     * Points the layer at its parameters: {@code parameters[offset, offset + parameterCount())}.
     * Called once by the network, before anything else.
     */
    void bind(float[] parameters, int offset);

    /** Draws the initial parameters (and any random seed of the layer) from {@code rng}. */
    void initialize(Random rng);

    /** Grows the layer's own per-batch buffers to hold {@code rows} rows; never shrinks them. */
    default void ensureCapacity(int rows) {
    }

    /**
     * Forward over a batch.
     *
     * @param in       the input batch, rows×{@link #inputs()} at {@code inOffset}
     * @param out      receives the output, rows×{@link #outputs()} from offset 0
     * @param training true inside a training step (dropout drops), false for evaluation and
     *                 prediction (the layer must then be deterministic)
     */
    void forward(Kernels k, int rows, float[] in, int inOffset, float[] out, boolean training);

    /**
     * Backward over the batch of the last training forward.
     *
     * @param in         the input of that forward, rows×n at {@code inOffset}
     * @param out        its output, rows×m from offset 0
     * @param dOut       ∂C/∂(output), rows×m from offset 0; the layer may overwrite it
     * @param grad       the flat gradient array: the layer writes ∂C/∂θ (overwriting) at the
     *                   same offsets its parameters have in the parameter array
     * @param dIn        receives ∂C/∂(input), rows×n from offset 0; null when nothing needs it
     *                   (the first layer)
     */
    void backward(Kernels k, int rows, float[] in, int inOffset, float[] out, float[] dOut,
                  float[] grad, float[] dIn);

    /**
     * The layer's random state (for example a dropout seed and step counter), saved in
     * checkpoints so a resumed run draws the same numbers; empty for deterministic layers.
     */
    default long[] randomState() {
        return new long[0];
    }

    /** Restores what {@link #randomState()} returned. */
    default void restoreRandomState(long[] state) {
        if (state.length != 0) {
            throw new IllegalArgumentException(spec().kind() + " layers have no random state");
        }
    }
}
