package dev.lanes.optim;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;

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

    static void checkSize(float[] buffer, Network n, String what) {
        if (buffer.length != n.parameterCount()) {
            throw new IllegalStateException(what + " holds " + buffer.length + " values but the network has "
                    + n.parameterCount() + " parameters");
        }
    }
}
