package dev.lanes.io;

import java.util.Objects;

/**
 * One dense layer as stored in a model file.
 *
 * @param units      the layer's output count n_l (≥ 1)
 * @param activation the activation's name as the network spells it (for example {@code sigmoid},
 *                   {@code relu}, {@code tanh}, {@code identity}); not empty
 * @param weights    n_l × n_(l−1) row-major: {@code weights[j * fanIn + i]} is the weight from input
 *                   i to unit j, so the layer computes {@code Z = A·Wᵀ + b}; not copied
 * @param biases     n_l biases; not copied
 */
public record StoredLayer(int units, String activation, float[] weights, float[] biases) {

    public StoredLayer {
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(biases, "biases");
        if (units < 1) {
            throw new IllegalArgumentException("units must be at least 1 but was " + units);
        }
        if (activation.isEmpty()) {
            throw new IllegalArgumentException("activation must not be empty");
        }
        if (biases.length != units) {
            throw new IllegalArgumentException("biases has " + biases.length + " elements, expected " + units);
        }
        if (weights.length % units != 0 || weights.length == 0) {
            throw new IllegalArgumentException("weights has " + weights.length
                    + " elements, not a positive multiple of " + units + " units");
        }
    }

    /** The number of inputs of this layer, n_(l−1). */
    public int fanIn() {
        return weights.length / units;
    }
}
