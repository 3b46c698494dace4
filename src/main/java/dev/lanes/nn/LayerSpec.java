package dev.lanes.nn;

import java.util.Map;

/**
 * One layer of a {@link NetworkSpec}, as plain data: its kind, its configuration, and how to
 * create the {@link Layer} that runs it. Implementations are immutable records
 * ({@link DenseSpec}, {@link DropoutSpec}).
 */
public interface LayerSpec {

    /** A dense layer of {@code units} neurons with activation {@code activation}. */
    static DenseSpec dense(int units, Activation activation) {
        return new DenseSpec(units, activation);
    }

    /** Inverted dropout of {@code rate} (the probability of dropping a value), in [0, 1). */
    static DropoutSpec dropout(double rate) {
        return new DropoutSpec(rate);
    }

    /** The kind's name as model files store it, e.g. {@code dense}, {@code dropout}. */
    String kind();

    /** The output width for an input width {@code inputs}. */
    int outputs(int inputs);

    /** Number of trainable parameters for an input width {@code inputs}. */
    long parameterCount(int inputs);

    /**
     * The configuration as text, keys sorted, as model files store it; {@link LayerSpecs#parse}
     * reads it back.
     */
    Map<String, String> config();

    /** A new layer for inputs of width {@code inputs}, not yet bound to parameters. */
    Layer create(int inputs);
}
