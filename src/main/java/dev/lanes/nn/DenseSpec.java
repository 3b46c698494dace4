package dev.lanes.nn;

import java.util.Map;
import java.util.TreeMap;

/**
 * A dense (fully connected) layer: its number of neurons m_ℓ and its activation.
 *
 * @param units      m_ℓ, the number of neurons (outputs) of the layer, ≥ 1
 * @param activation σ of the layer
 */
public record DenseSpec(int units, Activation activation) implements LayerSpec {

    /** The kind name in model files. */
    public static final String KIND = "dense";

    public DenseSpec {
        if (units < 1) {
            throw new IllegalArgumentException("units must be >= 1 but was " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation must not be null");
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int outputs(int inputs) {
        return units;
    }

    @Override
    public long parameterCount(int inputs) {
        return (long) units * (inputs + 1);
    }

    @Override
    public Map<String, String> config() {
        Map<String, String> c = new TreeMap<>();
        c.put("activation", activation.fileName());
        c.put("units", Integer.toString(units));
        return c;
    }

    @Override
    public Layer create(int inputs) {
        return new Dense(this, inputs);
    }

    @Override
    public String toString() {
        return units + " " + activation;
    }
}
