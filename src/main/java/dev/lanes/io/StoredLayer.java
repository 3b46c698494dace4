package dev.lanes.io;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One layer as stored in a model file: its kind, its configuration and its parameters.
 *
 * @param kind    the layer kind as the network names it ({@code dense}, {@code dropout}, …); not empty
 * @param config  the kind's settings as text (for {@code dense}: {@code units} and
 *                {@code activation}; for {@code dropout}: {@code rate}); copied, keys sorted
 * @param units   the layer's output width n_l (≥ 1)
 * @param weights for a dense layer n_l × n_(l−1) row-major: {@code weights[j * fanIn + i]} is the
 *                weight from input i to unit j, so the layer computes {@code Z = A·Wᵀ + b}; empty
 *                for a layer without parameters; not copied
 * @param biases  n_l biases of a dense layer, empty for a layer without parameters; not copied
 */
public record StoredLayer(String kind, Map<String, String> config, int units, float[] weights, float[] biases) {

    /** The kind name of a dense layer. */
    public static final String DENSE = "dense";

    public StoredLayer {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(biases, "biases");
        config = java.util.Collections.unmodifiableMap(new TreeMap<>(config));
        if (kind.isEmpty()) {
            throw new IllegalArgumentException("kind must not be empty");
        }
        if (units < 1) {
            throw new IllegalArgumentException("units must be at least 1 but was " + units);
        }
        if (kind.equals(DENSE)) {
            String activation = config.get("activation");
            if (activation == null || activation.isEmpty()) {
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
    }

    /** A dense layer of {@code units} neurons. */
    public StoredLayer(int units, String activation, float[] weights, float[] biases) {
        this(DENSE, denseConfig(units, activation), units, weights, biases);
    }

    private static Map<String, String> denseConfig(int units, String activation) {
        Objects.requireNonNull(activation, "activation");
        Map<String, String> c = new TreeMap<>();
        c.put("activation", activation);
        c.put("units", Integer.toString(units));
        return c;
    }

    /** The activation of a dense layer, or null for another kind. */
    public String activation() {
        return config.get("activation");
    }

    /** Whether this is a dense layer. */
    public boolean isDense() {
        return kind.equals(DENSE);
    }

    /** The number of inputs of a dense layer, n_(l−1); -1 for other kinds (their input width is their output width). */
    public int fanIn() {
        return isDense() ? weights.length / units : -1;
    }

    /** All parameters in the flat layout: weights then biases. */
    public float[] parameters() {
        float[] p = new float[weights.length + biases.length];
        System.arraycopy(weights, 0, p, 0, weights.length);
        System.arraycopy(biases, 0, p, weights.length, biases.length);
        return p;
    }
}
