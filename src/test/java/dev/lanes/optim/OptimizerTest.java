package dev.lanes.optim;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each optimizer's update against its formula written out in double for a few steps. */
class OptimizerTest {

    private static final NetworkSpec SPEC =
            NetworkSpec.of(new int[] {3, 4, 2}, Activation.TANH, Activation.SOFTMAX, Loss.CROSS_ENTROPY);

    private final Random rnd = new Random(12);
    private final float[] x = new float[5 * 3];
    private final float[] y = new float[5 * 2];

    OptimizerTest() {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int r = 0; r < 5; r++) {
            y[r * 2 + rnd.nextInt(2)] = 1;
        }
    }

    /** Parameters of layer l, W then b, as doubles. */
    private static double[] params(Network n, int l) {
        float[] w = n.weights(l);
        float[] b = n.biases(l);
        double[] p = new double[w.length + b.length];
        for (int i = 0; i < w.length; i++) {
            p[i] = w[i];
        }
        for (int i = 0; i < b.length; i++) {
            p[w.length + i] = b[i];
        }
        return p;
    }

    private static double[] grads(Gradients g, int l) {
        float[] w = g.weights(l);
        float[] b = g.biases(l);
        double[] p = new double[w.length + b.length];
        for (int i = 0; i < w.length; i++) {
            p[i] = w[i];
        }
        for (int i = 0; i < b.length; i++) {
            p[w.length + i] = b[i];
        }
        return p;
    }

    private interface Rule {
        /** Updates theta in place given the gradient, step t (1-based) and per-parameter state. */
        void apply(double[] theta, double[] g, int t, double[] s1, double[] s2);
    }

    private void check(Optimizer opt, Rule rule) {
        Network net = Network.create(SPEC, 4, Kernels.reference());
        double[][] theta = {params(net, 0), params(net, 1)};
        double[][] s1 = {new double[theta[0].length], new double[theta[1].length]};
        double[][] s2 = {new double[theta[0].length], new double[theta[1].length]};
        Gradients g = net.newGradients();
        for (int t = 1; t <= 3; t++) {
            net.lossAndGradients(x, y, 5, g);
            for (int l = 0; l < 2; l++) {
                rule.apply(theta[l], grads(g, l), t, s1[l], s2[l]);
            }
            opt.step(net, g);
            for (int l = 0; l < 2; l++) {
                double[] got = params(net, l);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(theta[l][i], got[i], 1e-6, opt.name() + " step " + t + " layer " + l + " param " + i);
                }
                // keep the double model on the float trajectory so rounding does not accumulate
                theta[l] = got;
            }
        }
        assertEquals(3, opt.state().steps());
    }

    @Test
    void sgdIsTheNotesUpdate() {
        check(new Sgd(0.3f), (th, g, t, s1, s2) -> {
            for (int i = 0; i < th.length; i++) {
                th[i] -= 0.3 * g[i];
            }
        });
    }

    @Test
    void momentumAccumulatesVelocity() {
        check(new Momentum(0.1f, 0.9f), (th, g, t, v, unused) -> {
            for (int i = 0; i < th.length; i++) {
                v[i] = 0.9 * v[i] + g[i];
                th[i] -= 0.1 * v[i];
            }
        });
    }

    @Test
    void adamWithBiasCorrection() {
        check(new Adam(0.01f), (th, g, t, m, v) -> {
            for (int i = 0; i < th.length; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(0.9, t));
                double vh = v[i] / (1 - Math.pow(0.999, t));
                th[i] -= 0.01 * mh / (Math.sqrt(vh) + 1e-8);
            }
        });
    }

    @Test
    void stateRoundTripContinuesExactly() {
        for (Optimizer[] pair : new Optimizer[][] {
                {new Adam(0.01f), new Adam(0.01f)}, {new Momentum(0.1f, 0.8f), new Momentum(0.1f, 0.8f)}}) {
            Network a = Network.create(SPEC, 4, Kernels.reference());
            Gradients g = a.newGradients();
            for (int s = 0; s < 2; s++) {
                a.lossAndGradients(x, y, 5, g);
                pair[0].step(a, g);
            }
            Network b = a.copy(Kernels.reference());
            pair[1].restore(pair[0].state());
            for (int s = 0; s < 3; s++) {
                a.lossAndGradients(x, y, 5, g);
                pair[0].step(a, g);
                b.lossAndGradients(x, y, 5, g);
                pair[1].step(b, g);
            }
            for (int l = 0; l < 2; l++) {
                assertArrayEquals(a.weights(l), b.weights(l), pair[0].name());
                assertArrayEquals(a.biases(l), b.biases(l), pair[0].name());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1f).restore(new Adam(0.1f).state()));
    }
}
