package dev.lanes.nn;

import java.util.Arrays;
import java.util.Objects;

/**
 * ∂C/∂θ for every parameter of a network, in one flat {@code float[]} with exactly the layout of
 * {@link Network#parameters()}: per layer in order, a dense layer's ∂C/∂W (m_ℓ×m_{ℓ−1} row-major)
 * then ∂C/∂b (m_ℓ), at the layer's {@linkplain Network#parameterOffset(int) offset}. Filled by
 * {@link Network#lossAndGradients}; each call overwrites the previous values.
 *
 * <p>Gradients of equal layout can be summed and copied as whole arrays, element by element in
 * index order ({@link #add}, {@link #addTo}, {@link #copyFrom}): summing the gradients of several
 * shards in a fixed order gives the same bits every time.
 */
public final class Gradients {

    private final float[] flat;
    private final int[] offsets;
    private final int[] weightCounts;
    private final int[] biasCounts;

    Gradients(int[] offsets, int[] weightCounts, int[] biasCounts, int size) {
        this.flat = new float[size];
        this.offsets = offsets.clone();
        this.weightCounts = weightCounts.clone();
        this.biasCounts = biasCounts.clone();
    }

    /** The live flat buffer (a view, not a copy), laid out like {@link Network#parameters()}. */
    public float[] flat() {
        return flat;
    }

    /** Number of values, equal to the network's parameter count. */
    public int size() {
        return flat.length;
    }

    /** Number of layers, of every kind. */
    public int depth() {
        return offsets.length;
    }

    /** Offset of layer {@code layer}'s gradients (its ∂C/∂W for a dense layer) in {@link #flat()}. */
    public int offset(int layer) {
        return offsets[layer];
    }

    /**
     * A copy of ∂C/∂W of dense layer {@code layer} (0-based index in the layer list; layer 0 is
     * the notes' ℓ = 1 in a network of dense layers), m×n row-major.
     *
     * @throws IllegalArgumentException if the layer has no weights
     */
    public float[] weights(int layer) {
        requireWeights(layer);
        return Arrays.copyOfRange(flat, offsets[layer], offsets[layer] + weightCounts[layer]);
    }

    /** A copy of ∂C/∂b of dense layer {@code layer} (0-based), length m. */
    public float[] biases(int layer) {
        requireWeights(layer);
        int b = offsets[layer] + weightCounts[layer];
        return Arrays.copyOfRange(flat, b, b + biasCounts[layer]);
    }

    private void requireWeights(int layer) {
        if (weightCounts[layer] == 0 && biasCounts[layer] == 0) {
            throw new IllegalArgumentException("layer " + layer + " has no parameters");
        }
    }

    /** {@code this := this + other}, element by element in index order. */
    public void add(Gradients other) {
        checkLayout(other);
        float[] o = other.flat;
        for (int i = 0; i < flat.length; i++) {
            flat[i] += o[i];
        }
    }

    /** {@code target := target + this}, element by element in index order. */
    public void addTo(Gradients target) {
        target.add(this);
    }

    /** Copies {@code other}'s values into this. */
    public void copyFrom(Gradients other) {
        checkLayout(other);
        System.arraycopy(other.flat, 0, flat, 0, flat.length);
    }

    /** Sets every value to 0. */
    public void clear() {
        Arrays.fill(flat, 0f);
    }

    private void checkLayout(Gradients other) {
        Objects.requireNonNull(other, "other");
        if (!Arrays.equals(offsets, other.offsets) || flat.length != other.flat.length) {
            throw new IllegalArgumentException("the gradients belong to networks of different layouts ("
                    + other.flat.length + " and " + flat.length + " values)");
        }
    }
}
