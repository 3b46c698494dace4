package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1 of the notes: the derivative as the limit of the finite-difference quotient (eq. (1)), and the
 * gradient of the linear-regression cost (2), dC/dw = (2/n) Σ (x_i w − y_i) x_i (eq. (6)).
 * The model is a one-input identity neuron with its bias held at 0, so z = x·w.
 */
class NotesSection1GradientDescentTest {

    private static final double[] X = {0.5, -1.0, 2.0, 3.0, -0.25};
    private static final double[] Y = {1.2, -1.9, 4.1, 6.2, -0.4};

    /** Eq. (2). */
    private static double cost(double w) {
        double s = 0;
        for (int i = 0; i < X.length; i++) {
            double r = X[i] * w - Y[i];
            s += r * r;
        }
        return s / X.length;
    }

    /** Eq. (6). */
    private static double eq6(double w) {
        double s = 0;
        for (int i = 0; i < X.length; i++) {
            s += (X[i] * w - Y[i]) * X[i];
        }
        return 2.0 / X.length * s;
    }

    @Test
    void finiteDifferenceQuotientConvergesToEq6() {
        double w = 0.7;
        double exact = eq6(w);
        double previous = Double.POSITIVE_INFINITY;
        for (double eps = 1e-1; eps >= 1e-5; eps /= 10) {
            double quotient = (cost(w + eps) - cost(w)) / eps;   // eq. (1) before the limit
            double err = Math.abs(quotient - exact);
            System.out.printf(Locale.ROOT, "eps %.0e: (C(w+eps)-C(w))/eps = %.8f, eq. (6) = %.8f, error %.2e%n",
                    eps, quotient, exact, err);
            // C is quadratic in w, so the forward quotient's error is exactly eps·C''/2: it shrinks tenfold
            assertTrue(err < previous / 5, "error should shrink with eps");
            previous = err;
        }
        assertTrue(previous < 1e-4 * Math.abs(exact));
    }

    @Test
    void networkGradientIsEq6() {
        NetworkSpec spec = NetworkSpec.of(new int[] {1, 1}, Activation.IDENTITY, Activation.IDENTITY, Loss.MSE);
        Network net = Network.create(spec, 1, Kernels.reference());
        float w = 0.7f;
        net.setWeights(0, new float[] {w});
        float[] x = new float[X.length];
        float[] y = new float[Y.length];
        for (int i = 0; i < X.length; i++) {
            x[i] = (float) X[i];
            y[i] = (float) Y[i];
        }
        Gradients g = net.newGradients();
        double c = net.lossAndGradients(x, y, X.length, g);
        assertEquals(0f, net.biases(0)[0], "bias starts at 0, so the model is z = x·w as in eq. (2)");
        assertEquals(cost(w), c, 1e-5, "cost (2)");
        assertEquals(eq6(w), g.weights(0)[0], 1e-5 * Math.abs(eq6(w)), "dC/dw, eq. (6)");
    }
}
