package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import dev.lanes.optim.Sgd;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §3 of the notes: one sigmoid neuron with two inputs, a_i = σ(x_i w₁ + u_i w₂ + b), cost (22).
 * The network's gradients equal eqs. (27), (31), (35); trained by plain gradient descent it learns
 * AND and OR.
 */
class NotesSection3TwoInputNeuronTest {

    private static final float[] INPUTS = {0, 0, 0, 1, 1, 0, 1, 1};   // rows (x, u)

    private static Network neuron() {
        return Network.create(NetworkSpec.of(new int[] {2, 1}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE),
                3, Kernels.reference());
    }

    @Test
    void gradientsAreEq27Eq31Eq35() {
        double w1 = 0.4;
        double w2 = -0.7;
        double b = 0.2;
        double[] xs = {0.5, -1.5, 2.0, 0.0, 1.0};
        double[] us = {1.0, 0.3, -0.8, 2.0, -1.0};
        double[] zs = {1.0, 0.0, 1.0, 0.0, 1.0};   // the targets, named z_i in §3
        int n = xs.length;
        double g1 = 0;
        double g2 = 0;
        double gb = 0;
        DerivativeStructure W1 = new DerivativeStructure(3, 1, 0, w1);
        DerivativeStructure W2 = new DerivativeStructure(3, 1, 1, w2);
        DerivativeStructure B = new DerivativeStructure(3, 1, 2, b);
        DerivativeStructure c = new DerivativeStructure(3, 1, 0.0);
        for (int i = 0; i < n; i++) {
            double a = 1 / (1 + Math.exp(-(xs[i] * w1 + us[i] * w2 + b)));
            g1 += (a - zs[i]) * a * (1 - a) * xs[i];   // (27)
            g2 += (a - zs[i]) * a * (1 - a) * us[i];   // (31)
            gb += (a - zs[i]) * a * (1 - a);           // (35)
            DerivativeStructure ad = W1.multiply(xs[i]).add(W2.multiply(us[i])).add(B).negate().exp().add(1).reciprocal();
            c = c.add(ad.subtract(zs[i]).pow(2));
        }
        g1 *= 2.0 / n;
        g2 *= 2.0 / n;
        gb *= 2.0 / n;
        c = c.divide(n);
        assertEquals(c.getPartialDerivative(1, 0, 0), g1, 1e-12);
        assertEquals(c.getPartialDerivative(0, 1, 0), g2, 1e-12);
        assertEquals(c.getPartialDerivative(0, 0, 1), gb, 1e-12);

        Network net = neuron();
        net.setWeights(0, new float[] {(float) w1, (float) w2});   // W is 1×2: row j=0 holds (w1, w2)
        net.setBiases(0, new float[] {(float) b});
        float[] x = new float[2 * n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) xs[i];
            x[2 * i + 1] = (float) us[i];
            y[i] = (float) zs[i];
        }
        Gradients g = net.newGradients();
        net.lossAndGradients(x, y, n, g);
        assertEquals(g1, g.weights(0)[0], 1e-6, "∂C/∂w1, eq. (27)");
        assertEquals(g2, g.weights(0)[1], 1e-6, "∂C/∂w2, eq. (31)");
        assertEquals(gb, g.biases(0)[0], 1e-6, "∂C/∂b, eq. (35)");
    }

    @Test
    void learnsAnd() {
        assertLearns(new float[] {0, 0, 0, 1}, "AND");
    }

    @Test
    void learnsOr() {
        assertLearns(new float[] {0, 1, 1, 1}, "OR");
    }

    private static void assertLearns(float[] targets, String name) {
        Network net = neuron();
        Gradients g = net.newGradients();
        Sgd sgd = new Sgd(2f);
        double cost = Double.NaN;
        for (int step = 0; step < 3000; step++) {
            cost = net.lossAndGradients(INPUTS, targets, 4, g);
            sgd.step(net, g);
        }
        float[] out = net.predict(INPUTS, 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(targets[i], out[i] >= 0.5f ? 1f : 0f,
                    name + "(" + INPUTS[2 * i] + ", " + INPUTS[2 * i + 1] + ") = " + out[i]);
        }
        assertTrue(cost < 0.05, name + " cost after training " + cost);
    }
}
