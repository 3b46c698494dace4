package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * §2 of the notes: one sigmoid neuron with one input, a_i = σ(x_i w + b), cost (11). The
 * network's gradients equal eqs. (17) and (20), and both equal the derivatives that Commons Math's
 * automatic differentiation ({@link DerivativeStructure}) computes from the cost alone.
 */
class NotesSection2SigmoidNeuronTest {

    private static final double[] X = {-2.0, -0.5, 0.0, 1.0, 2.5, 0.3};
    private static final double[] Y = {0.0, 0.0, 1.0, 1.0, 1.0, 0.0};

    @Test
    void gradientsAreEq17AndEq20() {
        double w = 0.8;
        double b = -0.3;
        int n = X.length;

        // Eqs. (17), (20), term by term
        double dw = 0;
        double db = 0;
        for (int i = 0; i < n; i++) {
            double a = 1 / (1 + Math.exp(-(X[i] * w + b)));
            dw += (a - Y[i]) * a * (1 - a) * X[i];
            db += (a - Y[i]) * a * (1 - a);
        }
        dw *= 2.0 / n;
        db *= 2.0 / n;

        // Independent: automatic differentiation of the cost (11) in (w, b)
        DerivativeStructure W = new DerivativeStructure(2, 1, 0, w);
        DerivativeStructure B = new DerivativeStructure(2, 1, 1, b);
        DerivativeStructure c = new DerivativeStructure(2, 1, 0.0);
        for (int i = 0; i < n; i++) {
            DerivativeStructure a = W.multiply(X[i]).add(B).negate().exp().add(1).reciprocal();
            c = c.add(a.subtract(Y[i]).pow(2));
        }
        c = c.divide(n);
        assertEquals(c.getPartialDerivative(1, 0), dw, 1e-12, "eq. (17) vs automatic differentiation");
        assertEquals(c.getPartialDerivative(0, 1), db, 1e-12, "eq. (20) vs automatic differentiation");

        // The network, float, batched
        Network net = Network.create(NetworkSpec.of(new int[] {1, 1}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE),
                2, Kernels.reference());
        net.setWeights(0, new float[] {(float) w});
        net.setBiases(0, new float[] {(float) b});
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) X[i];
            y[i] = (float) Y[i];
        }
        Gradients g = net.newGradients();
        double cost = net.lossAndGradients(x, y, n, g);
        assertEquals(c.getValue(), cost, 1e-6, "cost (11)");
        assertEquals(dw, g.weights(0)[0], 1e-6, "∂C/∂w");
        assertEquals(db, g.biases(0)[0], 1e-6, "∂C/∂b");
    }
}
