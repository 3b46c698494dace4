package dev.lanes.spark;

import dev.lanes.io.Models;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.NetworkSpec;

import java.util.Locale;

/** The networks the Spark estimators build, described by plain (serializable) values. */
final class Specs {

    /** Values of the {@code activation} param, as Lanes' model files name them. */
    static final String[] HIDDEN_ACTIVATIONS = {"sigmoid", "tanh", "relu"};

    private Specs() {
    }

    /** A classifier: {@code hidden} on every hidden layer, softmax output, cross-entropy. */
    static NetworkSpec classifier(int[] sizes, String hidden) {
        return NetworkSpec.of(sizes, activation(hidden), Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    }

    static Activation activation(String name) {
        Activation a = Models.activation(name.toLowerCase(Locale.ROOT));
        if (a == null || a == Activation.SOFTMAX) {
            throw new IllegalArgumentException("activation must be one of sigmoid, tanh, relu but was '" + name + "'");
        }
        return a;
    }

    /** The hidden activation of {@code spec} (that of the output layer for a one-layer network). */
    static String hiddenActivation(NetworkSpec spec) {
        Activation a = spec.layers().get(0) instanceof dev.lanes.nn.DenseSpec d ? d.activation() : spec.outputLayer().activation();
        return a == Activation.SOFTMAX ? "sigmoid" : Models.name(a);
    }
}
