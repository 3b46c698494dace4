package dev.lanes.nn;

import java.util.Map;

/**
 * Inverted dropout: in training each value is zeroed with probability {@code rate} and the kept
 * ones are scaled by 1/(1 − rate), so evaluation and prediction use the layer as the identity.
 *
 * @param rate the probability of dropping a value, in [0, 1)
 */
public record DropoutSpec(double rate) implements LayerSpec {

    /** The kind name in model files. */
    public static final String KIND = "dropout";

    public DropoutSpec {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1) but was " + rate);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int outputs(int inputs) {
        return inputs;
    }

    @Override
    public long parameterCount(int inputs) {
        return 0;
    }

    @Override
    public Map<String, String> config() {
        return Map.of("rate", Double.toString(rate));
    }

    @Override
    public Layer create(int inputs) {
        return new Dropout(this, inputs);
    }

    @Override
    public String toString() {
        return "dropout " + rate;
    }
}
