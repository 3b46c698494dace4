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

    /** A regressor: {@code hidden} on every hidden layer, identity output, mean squared error. */
    static NetworkSpec regressor(int[] sizes, String hidden) {
        return NetworkSpec.of(sizes, activation(hidden), Activation.IDENTITY, Loss.MSE);
    }

    /** {@link #regressor} or {@link #classifier}, by {@code regression}. */
    static NetworkSpec of(int[] sizes, String hidden, boolean regression) {
        return regression ? regressor(sizes, hidden) : classifier(sizes, hidden);
    }

    static Activation activation(String name) {
        Activation a = Models.activation(name.toLowerCase(Locale.ROOT));
        if (a == null || a == Activation.SOFTMAX) {
            throw new IllegalArgumentException("activation must be one of sigmoid, tanh, relu but was '" + name + "'");
        }
        return a;
    }

    /** The hidden activation of {@code spec} (sigmoid, unused, for a network without hidden layers). */
    static String hiddenActivation(NetworkSpec spec) {
        if (spec.layers().size() < 2 || !(spec.layers().get(0) instanceof dev.lanes.nn.DenseSpec d)) {
            return "sigmoid";
        }
        return Models.name(d.activation());
    }
}
