package dev.lanes.optim;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.nn.StepUpdate;

import java.util.List;

/** Helpers shared by the optimizers. */
final class Optimizers {

    private Optimizers() {
    }

    static void checkKind(Optimizer o, Optimizer.State s) {
        if (!o.name().equals(s.optimizer())) {
            throw new IllegalArgumentException("cannot restore a '" + s.optimizer() + "' state into " + o.name());
        }
    }

    static void checkFactor(float factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("the learning-rate factor must be in (0, 1] but was " + factor);
        }
    }

    static void checkLearningRate(float learningRate) {
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0 but was " + learningRate);
        }
    }

    static void checkWeightDecay(float weightDecay) {
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0 but was " + weightDecay);
        }
    }

    static void checkGradients(Network n, Gradients g) {
        if (g.size() != n.parameterCount()) {
            throw new IllegalArgumentException("the gradients hold " + g.size() + " values but the network has "
                    + n.parameterCount() + " parameters");
        }
    }

    /**
     * {@code count} flat state vectors of {@code size} values each from a state's buffers: either
     * exactly {@code count} buffers of that size, or any split of their concatenation (states
     * written before the parameters were flat hold one buffer per W and b, in the flat order).
     */
    static float[][] flatBuffers(List<float[]> buffers, int count, String what) {
        long total = 0;
        for (float[] b : buffers) {
            total += b.length;
        }
        if (count == 0 || total % count != 0) {
            throw new IllegalArgumentException(what + " holds " + total + " values, not " + count
                    + " equal state vectors");
        }
        int size = (int) (total / count);
        float[][] out = new float[count][size];
        int vector = 0;
        int at = 0;
        for (float[] b : buffers) {
            int i = 0;
            while (i < b.length) {
                int n = Math.min(b.length - i, size - at);
                System.arraycopy(b, i, out[vector], at, n);
                i += n;
                at += n;
                if (at == size) {
                    vector++;
                    at = 0;
                }
            }
        }
        return out;
    }

    /**
     * The part every optimizer's {@link StepUpdate} shares: the network and gradients it was made
     * for, their flat arrays, and the network's kernels restricted to the calling thread (the
     * pieces already run on the step's threads). Subclasses take the step in {@link #begin()} and
     * update one non-empty range in {@link #update}.
     */
    abstract static class RangeUpdate implements StepUpdate {
        final Network network;
        final Gradients gradients;
        final Kernels kernels;
        final float[] theta;
        final float[] grad;

        RangeUpdate(Network network, Gradients gradients) {
            checkGradients(network, gradients);
            this.network = network;
            this.gradients = gradients;
            this.kernels = network.kernels().singleThreaded();
            this.theta = network.parameters();
            this.grad = gradients.flat();
        }

        @Override
        public final Network network() {
            return network;
        }

        @Override
        public final Gradients gradients() {
            return gradients;
        }

        @Override
        public final void apply(int from, int to) {
            if (to > from) {
                update(from, to - from);
            }
        }

        /** Updates the {@code n} ≥ 1 parameters from {@code offset}, with the values {@link #begin()} took. */
        abstract void update(int offset, int n);
    }

    static void checkSize(float[] buffer, Network n, String what) {
        if (buffer.length != n.parameterCount()) {
            throw new IllegalStateException(what + " holds " + buffer.length + " values but the network has "
                    + n.parameterCount() + " parameters");
        }
    }
}
