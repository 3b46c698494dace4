package dev.lanes.optim;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.StepUpdate;

import java.util.List;

/**
 * Plain gradient descent, as in the notes: θ ← θ − η·∂C/∂θ for every W and b, as one
 * {@link Kernels#axpy} over the flat parameters. With L2 weight decay λ &gt; 0 the gradient is
 * that of C + (λ/2)‖θ‖², θ ← θ − η(∂C/∂θ + λθ), done as θ ← (1 − ηλ)·θ then the axpy. Stateless.
 */
public final class Sgd implements Optimizer {

    private final float learningRate;
    private float rate;                 // learningRate × the schedule's factor
    private final float weightDecay;
    private long steps;

    /** @param learningRate η &gt; 0 */
    public Sgd(float learningRate) {
        this(learningRate, 0f);
    }

    /**
     * @param learningRate η &gt; 0
     * @param weightDecay  λ ≥ 0, L2 (applied to biases too)
     */
    public Sgd(float learningRate, float weightDecay) {
        Optimizers.checkLearningRate(learningRate);
        Optimizers.checkWeightDecay(weightDecay);
        this.learningRate = learningRate;
        this.rate = learningRate;
        this.weightDecay = weightDecay;
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
        Optimizers.checkGradients(network, g);
        Kernels k = network.kernels();
        float[] theta = network.parameters();
        if (weightDecay != 0f) {
            k.scale(theta.length, 1f - rate * weightDecay, theta, 0);
        }
        // θ −= η·∂C/∂θ over every W and b at once
        k.axpy(theta.length, -rate, g.flat(), 0, theta, 0);
        steps++;
    }

    @Override
    public StepUpdate stepUpdate(Network network, Gradients g) {
        return new Optimizers.RangeUpdate(network, g) {
            private float r;

            @Override
            public void begin() {
                r = rate;
                steps++;
            }

            @Override
            void update(int offset, int n) {
                if (weightDecay != 0f) {
                    kernels.scale(n, 1f - r * weightDecay, theta, offset);
                }
                kernels.axpy(n, -r, grad, offset, theta, offset);
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
        return "sgd(lr=" + learningRate + (weightDecay != 0f ? ", weight-decay=" + weightDecay : "") + ")";
    }
}
