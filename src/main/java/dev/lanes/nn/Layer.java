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
 * allocate nothing in {@link #forward}, {@link #backwardRows} and {@link #parameterGradients}.
 *
 * <h2>Threads</h2>
 * A batch runs in two parallel phases (see {@link Network}): row ranges through {@link #forward}
 * and {@link #backwardRows}, possibly on several threads at once, then ranges of units through
 * {@link #parameterGradients}. A layer must write only the rows or units it is given, and give
 * every value the same bits whatever the ranges, so results never depend on the thread count.
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
     * Starts a batch of {@code rows} rows, before any {@link #forward} of its rows: a training batch
     * advances the layer's random state (a dropout layer draws its mask stream here, once per batch,
     * so the masks do not depend on how the rows are split).
     */
    default void beginBatch(int rows, boolean training) {
    }

    /**
     * Called after {@link #beginBatch}, on the calling thread, when the network is about to split
     * the batch into several row ranges: returns whether the layer has work that every range
     * would otherwise repeat and that {@link #prepareShared} should do once for the batch (a dense
     * layer packs its weights for the GEMM micro-kernels). Allocate here, not there.
     *
     * @param k        the kernels the layer's passes over this batch use
     * @param backward whether {@link #backwardRows} of this batch will be asked for ∂C/∂(input)
     */
    default boolean beginShared(Kernels k, boolean backward) {
        return false;
    }

    /**
     * Part {@code part} of {@code parts} of the work {@link #beginShared} announced, for the
     * current parameters. Parts may run concurrently on different threads; the network runs each
     * part once, and every part completes before {@link #forward} of any row of the batch, which
     * may then rely on it (until the next {@link #beginBatch}).
     */
    default void prepareShared(Kernels k, int part, int parts) {
    }

    /**
     * Forward over rows {@code [first, first + count)} of the current batch. The network splits a
     * batch into row ranges and may run them on different threads at once, so a layer must give
     * each row the same result whatever the split, and write only its own rows.
     *
     * @param in       the input batch: row r (n values) at {@code inOffset + r·n}
     * @param out      receives the output: row r (m values) at {@code r·m}
     * @param training true inside a training step (dropout drops), false for evaluation and
     *                 prediction (the layer must then be deterministic)
     */
    void forward(Kernels k, int first, int count, float[] in, int inOffset, float[] out, boolean training);

    /**
     * The row-wise half of backward, for rows {@code [first, first + count)} of the batch of the
     * last training forward: turns ∂C/∂(output) into the layer's own error in place (a dense layer
     * multiplies by σ′) and writes ∂C/∂(input) of those rows. Row ranges may run concurrently.
     *
     * @param out   the output of that forward: row r at {@code r·m}
     * @param delta ∂C/∂(output) on entry, row r at {@code r·m}; the layer's error on return, which
     *              {@link #parameterGradients} then reads
     * @param dIn   receives ∂C/∂(input), row r at {@code r·n}; null when nothing needs it (the
     *              first layer)
     */
    void backwardRows(Kernels k, int first, int count, float[] out, float[] delta, float[] dIn);

    /**
     * Into how many units the parameter gradients split ({@link #parameterGradients} computes a
     * range of them); 0 for a layer without parameters. A dense layer's unit is one neuron: its
     * row of W and its bias.
     */
    default int gradientUnits() {
        return 0;
    }

    /** Multiply-adds of one unit of {@link #parameterGradients} over a batch of {@code rows}, to balance threads. */
    default long gradientWorkPerUnit(int rows) {
        return 0;
    }

    /**
     * The parameter half of backward, over the whole batch of {@code rows}, for units
     * {@code [from, to)}: writes ∂C/∂θ of those units (overwriting) into {@code grad} at the same
     * offsets the parameters have in the flat parameter array. Disjoint unit ranges may run
     * concurrently; each gradient value must not depend on the range it was computed in.
     *
     * @param in    the input of the last training forward: row r at {@code inOffset + r·n}
     * @param delta the layer's error left by {@link #backwardRows}, row r at {@code r·m}
     */
    default void parameterGradients(Kernels k, int rows, float[] in, int inOffset, float[] delta, float[] grad,
                                    int from, int to) {
    }

    /**
     * Hands {@code update} the flat parameter ranges of units {@code [from, to)}: the parameters
     * whose gradients {@link #parameterGradients} writes for those units. A fused training step
     * ({@link StepUpdate}) calls this right after the gradients of the same units, on the same
     * thread. A dense layer hands over its rows {@code [from, to)} of W, then those entries of b.
     *
     * <p>The default hands over nothing; a layer with parameters that keeps it is updated whole,
     * once all gradients of the batch are done.
     */
    default void updateUnits(StepUpdate update, int from, int to) {
    }

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
