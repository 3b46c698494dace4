package dev.lanes.optim;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Dense;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;

import java.util.List;

/** Plain gradient descent, as in the notes: W ← W − η·∂C/∂W, b ← b − η·∂C/∂b. Stateless. */
public final class Sgd implements Optimizer {

    private final float learningRate;
    private long steps;

    /** @param learningRate η &gt; 0 */
    public Sgd(float learningRate) {
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0 but was " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** η. */
    public float learningRate() {
        return learningRate;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public void step(Network network, Gradients g) {
        Kernels k = network.kernels();
        for (int l = 0; l < network.depth(); l++) {
            Dense d = network.layer(l);
            // W[m×n] −= η·dW ; b[m] −= η·db
            k.axpy(d.weightsView().length, -learningRate, g.weights(l), 0, d.weightsView(), 0);
            k.axpy(d.biasesView().length, -learningRate, g.biases(l), 0, d.biasesView(), 0);
        }
        steps++;
    }

    @Override
    public void reset() {
        steps = 0;
    }

    @Override
    public State state() {
        return new State(name(), steps, List.of());
    }

    @Override
    public void restore(State state) {
        Optimizers.checkKind(this, state);
        steps = state.steps();
    }

    @Override
    public String toString() {
        return "sgd(lr=" + learningRate + ")";
    }
}
