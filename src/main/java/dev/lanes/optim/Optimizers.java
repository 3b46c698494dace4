package dev.lanes.optim;

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

    /** Zeroed buffers shaped like the parameters, in the order W₁, b₁, W₂, b₂, …. */
    static float[][] zerosLikeParameters(Network n) {
        float[][] out = new float[2 * n.depth()][];
        for (int l = 0; l < n.depth(); l++) {
            out[2 * l] = new float[n.layer(l).weightsView().length];
            out[2 * l + 1] = new float[n.layer(l).biasesView().length];
        }
        return out;
    }

    static float[][] copyOf(List<float[]> buffers) {
        float[][] out = new float[buffers.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = buffers.get(i).clone();
        }
        return out;
    }

    static void checkShapes(float[][] buffers, Network n, String what) {
        if (buffers.length != 2 * n.depth()) {
            throw new IllegalStateException(what + " holds " + buffers.length + " buffers but the network needs "
                    + 2 * n.depth() + " (one per W and b)");
        }
        for (int l = 0; l < n.depth(); l++) {
            if (buffers[2 * l].length != n.layer(l).weightsView().length
                    || buffers[2 * l + 1].length != n.layer(l).biasesView().length) {
                throw new IllegalStateException(what + ": layer " + l + " has the wrong shape for this network");
            }
        }
    }
}
