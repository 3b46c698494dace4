package dev.lanes.nn;

/**
 * One dense layer of a {@link NetworkSpec}: its number of neurons m_ℓ and its activation.
 *
 * @param units      m_ℓ, the number of neurons (outputs) of the layer, ≥ 1
 * @param activation σ of the layer
 */
public record LayerSpec(int units, Activation activation) {

    public LayerSpec {
        if (units < 1) {
            throw new IllegalArgumentException("units must be >= 1 but was " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation must not be null");
        }
    }
}
