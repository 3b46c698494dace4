package dev.lanes.optim;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.StepUpdate;

import java.util.List;

/**
 * Gradient descent with (heavy-ball) momentum: v ← μ·v + ∂C/∂θ, θ ← θ − η·v, for every W and b,
 * with v = 0 before the first step (the form PyTorch's SGD uses); optional L2 weight decay λ adds
 * λθ to the gradient. One {@link dev.lanes.kernel.Kernels#momentumUpdate} pass over the flat
 * parameters. State buffer: the velocity, laid out like {@link Network#parameters()}.
 */
public final class Momentum implements Optimizer {

    private final float learningRate;
    private float rate;                 // learningRate × the schedule's factor
    private final float momentum;
    private final float weightDecay;
    private float[] velocity;
    private long steps;

    /**
     * @param learningRate η &gt; 0
     * @param momentum     μ in [0, 1), typically 0.9
     */
    public Momentum(float learningRate, float momentum) {
        this(learningRate, momentum, 0f);
    }

    /**
     * @param learningRate η &gt; 0
     * @param momentum     μ in [0, 1), typically 0.9
     * @param weightDecay  λ ≥ 0, L2 added to the gradient
     */
    public Momentum(float learningRate, float momentum, float weightDecay) {
        Optimizers.checkLearningRate(learningRate);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) but was " + momentum);
        }
        Optimizers.checkWeightDecay(weightDecay);
        this.learningRate = learningRate;
        this.rate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public void step(Network network, Gradients g) {
        Optimizers.checkGradients(network, g);
        if (velocity == null) {
            velocity = new float[network.parameterCount()];
        }
        Optimizers.checkSize(velocity, network, "momentum state");
        network.kernels().momentumUpdate(velocity.length, rate, momentum, weightDecay,
                g.flat(), velocity, network.parameters(), 0);
        steps++;
    }

    @Override
    public StepUpdate stepUpdate(Network network, Gradients g) {
        return new Optimizers.RangeUpdate(network, g) {
            private float r;
            private float[] v;

            @Override
            public void begin() {
                if (velocity == null) {
                    velocity = new float[network.parameterCount()];
                }
                Optimizers.checkSize(velocity, network, "momentum state");
                r = rate;
                v = velocity;
                steps++;
            }

            @Override
            void update(int offset, int n) {
                kernels.momentumUpdate(n, r, momentum, weightDecay, grad, v, theta, offset);
            }
        };
    }

    @Override
    public void learningRateFactor(float factor) {
        Optimizers.checkFactor(factor);
        rate = learningRate * factor;
    }

    @Override
    public void reset() {
        rate = learningRate;
        velocity = null;
        steps = 0;
    }

    /** One buffer, the velocity (empty before the first step). */
    @Override
    public State state() {
        return new State(name(), steps, velocity == null ? List.of() : List.of(velocity));
    }

    @Override
    public void restore(State state) {
        Optimizers.checkKind(this, state);
        velocity = state.buffers().isEmpty() ? null : Optimizers.flatBuffers(state.buffers(), 1, "the momentum state")[0];
        steps = state.steps();
    }

    @Override
    public String toString() {
        return "momentum(lr=" + learningRate + ", mu=" + momentum
                + (weightDecay != 0f ? ", weight-decay=" + weightDecay : "") + ")";
    }
}
