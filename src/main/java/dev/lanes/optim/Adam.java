package dev.lanes.optim;

import dev.lanes.nn.Dense;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba, 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², then
 * θ ← θ − η·m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 *
 * <p>The update is one plain loop per tensor: it is O(parameters) per step, small next to the
 * GEMMs, and the kernel contract has no element-wise square root. State buffers: m(W₁), m(b₁), …,
 * m(b_L), then v(W₁), v(b₁), …, v(b_L).
 */
public final class Adam implements Optimizer {

    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private float[][] m;
    private float[][] v;
    private long steps;

    /** Adam with the paper's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public Adam(float learningRate) {
        this(learningRate, 0.9f, 0.999f, 1e-8f);
    }

    public Adam(float learningRate, float beta1, float beta2, float epsilon) {
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0 but was " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1) but were " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0 but was " + epsilon);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public void step(Network network, Gradients g) {
        if (m == null) {
            m = Optimizers.zerosLikeParameters(network);
            v = Optimizers.zerosLikeParameters(network);
        }
        Optimizers.checkShapes(m, network, "adam state");
        steps++;
        float c1 = (float) (1.0 / (1.0 - Math.pow(beta1, steps)));
        float c2 = (float) (1.0 / (1.0 - Math.pow(beta2, steps)));
        for (int l = 0; l < network.depth(); l++) {
            Dense d = network.layer(l);
            update(m[2 * l], v[2 * l], g.weights(l), d.weightsView(), c1, c2);
            update(m[2 * l + 1], v[2 * l + 1], g.biases(l), d.biasesView(), c1, c2);
        }
    }

    private void update(float[] mt, float[] vt, float[] grad, float[] theta, float c1, float c2) {
        float b1 = beta1;
        float b2 = beta2;
        float a1 = 1f - b1;
        float a2 = 1f - b2;
        float lr = learningRate;
        float eps = epsilon;
        for (int i = 0; i < theta.length; i++) {
            float gi = grad[i];
            float mi = b1 * mt[i] + a1 * gi;
            float vi = b2 * vt[i] + a2 * gi * gi;
            mt[i] = mi;
            vt[i] = vi;
            theta[i] -= lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
        }
    }

    @Override
    public void reset() {
        m = null;
        v = null;
        steps = 0;
    }

    @Override
    public State state() {
        List<float[]> buffers = new ArrayList<>();
        if (m != null) {
            buffers.addAll(List.of(m));
            buffers.addAll(List.of(v));
        }
        return new State(name(), steps, buffers);
    }

    @Override
    public void restore(State state) {
        Optimizers.checkKind(this, state);
        if (state.buffers().isEmpty()) {
            m = null;
            v = null;
        } else {
            float[][] all = Optimizers.copyOf(state.buffers());
            int half = all.length / 2;
            m = java.util.Arrays.copyOfRange(all, 0, half);
            v = java.util.Arrays.copyOfRange(all, half, all.length);
        }
        steps = state.steps();
    }

    @Override
    public String toString() {
        return "adam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon + ")";
    }
}
