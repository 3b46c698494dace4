package dev.lanes.optim;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Weight decay, AdamW and clipping against element-by-element formulas in double, and states of
 * the per-array era (one buffer per W and b) restored into the flat optimizers.
 */
class FlatOptimizerTest {

    private static Network net() {
        return Network.builder(4).dense(3, Activation.TANH).dense(2, Activation.IDENTITY).loss(Loss.MSE)
                .build(5, Kernels.reference());
    }

    private static Gradients gradients(Network n, long seed) {
        Gradients g = n.newGradients();
        Random rnd = new Random(seed);
        for (int i = 0; i < g.size(); i++) {
            g.flat()[i] = (float) rnd.nextGaussian();
        }
        return g;
    }

    @Test
    void adamWDecaysTheWeightsDecoupledFromTheMoments() {
        Network n = net();
        Gradients g = gradients(n, 1);
        float[] theta = n.parameters().clone();
        float lr = 0.01f;
        float wd = 0.1f;
        Adam opt = Adam.adamW(lr, wd);
        assertEquals("adamw", opt.name());
        opt.step(n, g);
        for (int i = 0; i < theta.length; i++) {
            double gi = g.flat()[i];
            double m = 0.1 * gi / (1 - 0.9);
            double v = 0.001 * gi * gi / (1 - 0.999);
            double want = theta[i] * (1 - lr * wd) - lr * m / (Math.sqrt(v) + 1e-8);
            assertEquals(want, n.parameters()[i], 2e-6, "parameter " + i);
        }
    }

    @Test
    void sgdAndMomentumWeightDecayAddLambdaThetaToTheGradient() {
        Network n = net();
        Gradients g = gradients(n, 2);
        float[] theta = n.parameters().clone();
        new Sgd(0.1f, 0.5f).step(n, g);
        for (int i = 0; i < theta.length; i++) {
            assertEquals(theta[i] - 0.1 * (g.flat()[i] + 0.5 * theta[i]), n.parameters()[i], 1e-6);
        }
        Network m = net();
        Momentum mom = new Momentum(0.1f, 0.9f, 0.5f);
        mom.step(m, g);
        mom.step(m, g);
        for (int i = 0; i < theta.length; i++) {
            double g1 = g.flat()[i] + 0.5 * theta[i];
            double t1 = theta[i] - 0.1 * g1;
            double v2 = 0.9 * g1 + g.flat()[i] + 0.5 * t1;
            assertEquals(t1 - 0.1 * v2, m.parameters()[i], 1e-5);
        }
    }

    @Test
    void clippingScalesTheWholeGradientToTheNorm() {
        Network n = net();
        Gradients g = gradients(n, 3);
        float[] before = g.flat().clone();
        double norm = 0;
        for (float v : before) {
            norm += v * (double) v;
        }
        norm = Math.sqrt(norm);
        assertEquals(norm, GradientClipping.clipGlobalNorm(n.kernels(), g, norm / 4), 1e-9);
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i] / 4, g.flat()[i], 1e-6);
        }
        float[] clipped = g.flat().clone();
        GradientClipping.clipGlobalNorm(n.kernels(), g, norm);   // already short enough
        assertArrayEquals(clipped, g.flat());
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipGlobalNorm(n.kernels(), g, 0));
    }

    @Test
    void statesWithOneBufferPerTensorRestoreIntoTheFlatLayout() {
        Network a = net();
        Gradients g = gradients(a, 4);
        Adam adam = new Adam(0.01f);
        adam.step(a, g);
        Optimizer.State flat = adam.state();
        assertEquals(2, flat.buffers().size());
        float[] m = flat.buffer(0);
        float[] v = flat.buffer(1);
        // Split as the per-array optimizers stored it: m(W1), m(b1), m(W2), m(b2), v(W1), ….
        int[] cuts = {0, 12, 15, 21, 23};
        List<float[]> perTensor = new java.util.ArrayList<>();
        for (float[] buf : new float[][] {m, v}) {
            for (int i = 0; i + 1 < cuts.length; i++) {
                perTensor.add(java.util.Arrays.copyOfRange(buf, cuts[i], cuts[i + 1]));
            }
        }
        Adam restored = new Adam(0.01f);
        restored.restore(new Optimizer.State("adam", 1, perTensor));
        Network b = net();
        b.copyParametersFrom(a.parameters());
        adam.step(a, g);
        restored.step(b, g);
        assertArrayEquals(a.parameters(), b.parameters());
        assertThrows(IllegalArgumentException.class,
                () -> new Adam(0.01f).restore(new Optimizer.State("adam", 1, List.of(new float[3]))));
    }
}
