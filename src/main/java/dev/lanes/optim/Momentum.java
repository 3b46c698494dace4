package dev.lanes.optim;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Dense;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;

import java.util.Arrays;

/**
 * Gradient descent with (heavy-ball) momentum: v ← μ·v + ∂C/∂θ, θ ← θ − η·v, for every W and b,
 * with v = 0 before the first step (the form PyTorch's SGD uses). State buffers: the velocities
 * in the order v(W₁), v(b₁), v(W₂), v(b₂), ….
 */
public final class Momentum implements Optimizer {

    private final float learningRate;
    private final float momentum;
    private float[][] velocity;
    private long steps;

    /**
     * @param learningRate η &gt; 0
     * @param momentum     μ in [0, 1), typically 0.9
     */
    public Momentum(float learningRate, float momentum) {
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0 but was " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) but was " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public void step(Network network, Gradients g) {
        if (velocity == null) {
            velocity = Optimizers.zerosLikeParameters(network);
        }
        Optimizers.checkShapes(velocity, network, "momentum state");
        Kernels k = network.kernels();
        for (int l = 0; l < network.depth(); l++) {
            Dense d = network.layer(l);
            update(k, velocity[2 * l], g.weights(l), d.weightsView());
            update(k, velocity[2 * l + 1], g.biases(l), d.biasesView());
        }
        steps++;
    }

    private void update(Kernels k, float[] v, float[] grad, float[] theta) {
        int n = theta.length;
        k.scale(n, momentum, v, 0);              // v ← μ·v
        k.axpy(n, 1f, grad, 0, v, 0);            // v ← v + g
        k.axpy(n, -learningRate, v, 0, theta, 0); // θ ← θ − η·v
    }

    @Override
    public void reset() {
        velocity = null;
        steps = 0;
    }

    @Override
    public State state() {
        return new State(name(), steps, velocity == null ? java.util.List.of() : Arrays.asList(velocity));
    }

    @Override
    public void restore(State state) {
        Optimizers.checkKind(this, state);
        velocity = state.buffers().isEmpty() ? null : Optimizers.copyOf(state.buffers());
        steps = state.steps();
    }

    @Override
    public String toString() {
        return "momentum(lr=" + learningRate + ", mu=" + momentum + ")";
    }
}
