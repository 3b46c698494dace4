package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * §4 of the notes: x → neuron 1 → neuron 2, both sigmoid, cost (40). The error terms δ_i^(2)
 * (eq. (43)) and δ_i^(1) (eq. (45)), which carry the factor 2/n, equal ∂C/∂z_i found by nudging
 * the pre-activations themselves (central differences); the gradients (46)–(49) built from them
 * equal the network's.
 */
class NotesSection4TwoNeuronChainTest {

    private static final double[] X = {-1.0, 0.25, 1.5, 2.0};
    private static final double[] Y = {0.1, 0.9, 0.3, 0.8};
    private static final double W1 = 1.3;
    private static final double B1 = -0.4;
    private static final double W2 = -0.9;
    private static final double B2 = 0.6;

    private static double sigma(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Cost (40), with pre-activation z_k^(layer) of example k shifted by h. */
    private static double cost(int layer, int k, double h) {
        double c = 0;
        for (int i = 0; i < X.length; i++) {
            double z1 = X[i] * W1 + B1 + (layer == 1 && i == k ? h : 0);   // (36)
            double a1 = sigma(z1);                                          // (37)
            double z2 = a1 * W2 + B2 + (layer == 2 && i == k ? h : 0);     // (38)
            double a2 = sigma(z2);                                          // (39)
            c += (a2 - Y[i]) * (a2 - Y[i]);
        }
        return c / X.length;
    }

    @Test
    void errorTermsAndGradientsMatch() {
        int n = X.length;
        double dW1 = 0;
        double dB1 = 0;
        double dW2 = 0;
        double dB2 = 0;
        double h = 1e-6;
        for (int i = 0; i < n; i++) {
            double a1 = sigma(X[i] * W1 + B1);
            double a2 = sigma(a1 * W2 + B2);
            double delta2 = 2.0 / n * (a2 - Y[i]) * a2 * (1 - a2);                      // (43)
            double delta1 = (2.0 / n * (a2 - Y[i]) * a2 * (1 - a2) * W2) * a1 * (1 - a1);  // (45)
            assertEquals((cost(2, i, h) - cost(2, i, -h)) / (2 * h), delta2, 1e-8, "δ^(2) of example " + i);
            assertEquals((cost(1, i, h) - cost(1, i, -h)) / (2 * h), delta1, 1e-8, "δ^(1) of example " + i);
            dW2 += delta2 * a1;   // (46)
            dB2 += delta2;        // (47)
            dW1 += delta1 * X[i]; // (48)
            dB1 += delta1;        // (49)
        }

        Network net = Network.create(NetworkSpec.of(new int[] {1, 1, 1}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE),
                4, Kernels.reference());
        net.setWeights(0, new float[] {(float) W1});
        net.setBiases(0, new float[] {(float) B1});
        net.setWeights(1, new float[] {(float) W2});
        net.setBiases(1, new float[] {(float) B2});
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) X[i];
            y[i] = (float) Y[i];
        }
        Gradients g = net.newGradients();
        net.lossAndGradients(x, y, n, g);
        assertEquals(dW1, g.weights(0)[0], 1e-6, "∂C/∂w^(1), eq. (48)");
        assertEquals(dB1, g.biases(0)[0], 1e-6, "∂C/∂b^(1), eq. (49)");
        assertEquals(dW2, g.weights(1)[0], 1e-6, "∂C/∂w^(2), eq. (46)");
        assertEquals(dB2, g.biases(1)[0], 1e-6, "∂C/∂b^(2), eq. (47)");
    }
}
