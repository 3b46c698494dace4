package dev.lanes.optim;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.StepUpdate;

import java.util.List;

/**
 * Adam (Kingma &amp; Ba, 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², then
 * θ ← θ − η·m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). With a weight
 * decay λ &gt; 0 it is AdamW (Loshchilov &amp; Hutter): θ ← θ − ηλθ before the Adam step, decoupled
 * from the moments ({@link #adamW}).
 *
 * <p>The update is one {@link dev.lanes.kernel.Kernels#adamUpdate} pass over the flat parameters.
 * State buffers: m then v, each laid out like {@link Network#parameters()}.
 */
public final class Adam implements Optimizer {

    private final float learningRate;
    private float rate;                 // learningRate × the schedule's factor
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private float[] m;
    private float[] v;
    private long steps;

    /** Adam with the paper's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public Adam(float learningRate) {
        this(learningRate, 0.9f, 0.999f, 1e-8f);
    }

    public Adam(float learningRate, float beta1, float beta2, float epsilon) {
        this(learningRate, beta1, beta2, epsilon, 0f);
    }

    /**
     * @param weightDecay λ ≥ 0, decoupled (AdamW); 0 is plain Adam
     */
    public Adam(float learningRate, float beta1, float beta2, float epsilon, float weightDecay) {
        Optimizers.checkLearningRate(learningRate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1) but were " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0 but was " + epsilon);
        }
        Optimizers.checkWeightDecay(weightDecay);
        this.learningRate = learningRate;
        this.rate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /** AdamW with the default β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and decoupled weight decay λ. */
    public static Adam adamW(float learningRate, float weightDecay) {
        return new Adam(learningRate, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    /** {@code "adam"}, or {@code "adamw"} with a weight decay. */
    @Override
    public String name() {
        return weightDecay != 0f ? "adamw" : "adam";
    }

    @Override
    public void step(Network network, Gradients g) {
        Optimizers.checkGradients(network, g);
        if (m == null) {
            m = new float[network.parameterCount()];
            v = new float[network.parameterCount()];
        }
        Optimizers.checkSize(m, network, "adam state");
        steps++;
        float c1 = (float) (1.0 / (1.0 - Math.pow(beta1, steps)));
        float c2 = (float) (1.0 / (1.0 - Math.pow(beta2, steps)));
        network.kernels().adamUpdate(m.length, rate, beta1, beta2, c1, c2, epsilon, weightDecay,
                g.flat(), m, v, network.parameters(), 0);
    }

    @Override
    public StepUpdate stepUpdate(Network network, Gradients g) {
        return new Optimizers.RangeUpdate(network, g) {
            private float r;
            private float c1;
            private float c2;
            private float[] m1;
            private float[] m2;

            @Override
            public void begin() {
                if (m == null) {
                    m = new float[network.parameterCount()];
                    v = new float[network.parameterCount()];
                }
                Optimizers.checkSize(m, network, "adam state");
                steps++;
                c1 = (float) (1.0 / (1.0 - Math.pow(beta1, steps)));
                c2 = (float) (1.0 / (1.0 - Math.pow(beta2, steps)));
                r = rate;
                m1 = m;
                m2 = v;
            }

            @Override
            void update(int offset, int n) {
                kernels.adamUpdate(n, r, beta1, beta2, c1, c2, epsilon, weightDecay, grad, m1, m2, theta, offset);
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
        m = null;
        v = null;
        steps = 0;
    }

    /** Two buffers, m and v (none before the first step). */
    @Override
    public State state() {
        return new State(name(), steps, m == null ? List.of() : List.of(m, v));
    }

    @Override
    public void restore(State state) {
        Optimizers.checkKind(this, state);
        if (state.buffers().isEmpty()) {
            m = null;
            v = null;
        } else {
            float[][] mv = Optimizers.flatBuffers(state.buffers(), 2, "the " + name() + " state");
            m = mv[0];
            v = mv[1];
        }
        steps = state.steps();
    }

    @Override
    public String toString() {
        return name() + "(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon
                + (weightDecay != 0f ? ", weight-decay=" + weightDecay : "") + ")";
    }
}
