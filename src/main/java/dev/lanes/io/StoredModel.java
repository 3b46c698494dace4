package dev.lanes.io;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained network as a model file holds it: the layer sizes and activations, the loss, the
 * parameters, the input standardization and the class names. It names no network class, so the
 * format does not depend on how {@code dev.lanes.nn} represents a network.
 *
 * @param inputs     the input width n_0 (≥ 1)
 * @param layers     the layers in order; a dense layer's fan-in equals the previous layer's units
 *                   (n_0 for the first); a layer of another kind is checked against its
 *                   configuration when the network is built
 * @param loss       the loss the network was trained with ({@code mse}, {@code cross-entropy}, …)
 * @param classNames one name per output for a classifier, empty for regression
 * @param mean       per-feature means subtracted from inputs before the network, or null for none
 * @param std        per-feature standard deviations inputs are divided by; null exactly when mean is
 * @param metadata   free text facts (training data name, date, command line); never interpreted
 */
public record StoredModel(int inputs, List<StoredLayer> layers, String loss, List<String> classNames,
                          float[] mean, float[] std, Map<String, String> metadata) {

    public StoredModel {
        Objects.requireNonNull(loss, "loss");
        layers = List.copyOf(layers);
        classNames = List.copyOf(classNames);
        metadata = Map.copyOf(metadata);
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be at least 1 but was " + inputs);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        int fanIn = inputs;
        for (int l = 0; l < layers.size(); l++) {
            StoredLayer layer = layers.get(l);
            if (!layer.isDense()) {
                // Other kinds are checked against their configuration when the network is built
                // (Models.specOf): width and parameter count depend on the kind.
                fanIn = layer.units();
                continue;
            }
            if (layer.fanIn() != fanIn) {
                throw new IllegalArgumentException("layer " + (l + 1) + " has " + layer.weights().length
                        + " weights for " + layer.units() + " units, expected " + layer.units() + " × " + fanIn);
            }
            fanIn = layer.units();
        }
        if (!classNames.isEmpty() && classNames.size() != fanIn) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + fanIn + " outputs");
        }
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("mean and std must both be given or both be null");
        }
        if (mean != null && (mean.length != inputs || std.length != inputs)) {
            throw new IllegalArgumentException("mean/std have " + mean.length + "/" + std.length
                    + " elements, expected " + inputs);
        }
    }

    /** The output width of the last layer. */
    public int outputs() {
        return layers.getLast().units();
    }

    /** The layer widths including the input: n_0, n_1, …, n_L. */
    public int[] sizes() {
        int[] s = new int[layers.size() + 1];
        s[0] = inputs;
        for (int l = 0; l < layers.size(); l++) {
            s[l + 1] = layers.get(l).units();
        }
        return s;
    }
}
