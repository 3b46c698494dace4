package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * §5 of the notes: one input through n = 6 single-neuron sigmoid layers, cost (50). The per-example
 * recurrences (51) (output error), (54) (hidden errors) and (55), (56) (gradients), averaged over
 * the examples (Step 5), equal central differences of (50) and the network's batched gradients.
 */
class NotesSection5DeepChainTest {

    private static final int LAYERS = 6;

    @Test
    void recurrencesMatchFiniteDifferencesAndTheNetwork() {
        Random rnd = new Random(5);
        double[] w = new double[LAYERS + 1];   // w^(ℓ), b^(ℓ) at index ℓ = 1…n
        double[] b = new double[LAYERS + 1];
        for (int l = 1; l <= LAYERS; l++) {
            w[l] = 2 * rnd.nextGaussian();
            b[l] = 0.5 * rnd.nextGaussian();
        }
        double[] xs = {-1.5, -0.2, 0.4, 1.1, 2.3, 0.9, -0.7};
        double[] ys = {0.2, 0.4, 0.6, 0.8, 0.1, 0.3, 0.5};
        int count = xs.length;

        double[] dw = new double[LAYERS + 1];
        double[] db = new double[LAYERS + 1];
        for (int i = 0; i < count; i++) {
            double[] a = forward(w, b, xs[i]);
            double[] delta = new double[LAYERS + 1];
            delta[LAYERS] = 2 * (a[LAYERS] - ys[i]) * a[LAYERS] * (1 - a[LAYERS]);    // (51)
            for (int l = LAYERS - 1; l >= 1; l--) {
                delta[l] = (w[l + 1] * delta[l + 1]) * a[l] * (1 - a[l]);             // (54)
            }
            for (int l = 1; l <= LAYERS; l++) {
                dw[l] += delta[l] * a[l - 1];                                          // (52), (55)
                db[l] += delta[l];                                                     // (53), (56)
            }
        }
        for (int l = 1; l <= LAYERS; l++) {
            dw[l] /= count;
            db[l] /= count;
        }

        double h = 1e-6;
        for (int l = 1; l <= LAYERS; l++) {
            double keep = w[l];
            w[l] = keep + h;
            double plus = cost(w, b, xs, ys);
            w[l] = keep - h;
            double minus = cost(w, b, xs, ys);
            w[l] = keep;
            assertEquals((plus - minus) / (2 * h), dw[l], 1e-8 + 1e-5 * Math.abs(dw[l]), "∂C/∂w^(" + l + ")");
            keep = b[l];
            b[l] = keep + h;
            plus = cost(w, b, xs, ys);
            b[l] = keep - h;
            minus = cost(w, b, xs, ys);
            b[l] = keep;
            assertEquals((plus - minus) / (2 * h), db[l], 1e-8 + 1e-5 * Math.abs(db[l]), "∂C/∂b^(" + l + ")");
        }

        int[] sizes = new int[LAYERS + 1];
        java.util.Arrays.fill(sizes, 1);
        Network net = Network.create(NetworkSpec.of(sizes, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE),
                5, Kernels.reference());
        for (int l = 1; l <= LAYERS; l++) {
            net.setWeights(l - 1, new float[] {(float) w[l]});
            net.setBiases(l - 1, new float[] {(float) b[l]});
        }
        float[] x = new float[count];
        float[] y = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) xs[i];
            y[i] = (float) ys[i];
        }
        Gradients g = net.newGradients();
        net.lossAndGradients(x, y, count, g);
        for (int l = 1; l <= LAYERS; l++) {
            assertEquals(dw[l], g.weights(l - 1)[0], 1e-6 + 1e-4 * Math.abs(dw[l]), "network ∂C/∂w^(" + l + ")");
            assertEquals(db[l], g.biases(l - 1)[0], 1e-6 + 1e-4 * Math.abs(db[l]), "network ∂C/∂b^(" + l + ")");
        }
    }

    /** a^(0) = x, a^(ℓ) = σ(w^(ℓ) a^(ℓ−1) + b^(ℓ)). */
    private static double[] forward(double[] w, double[] b, double x) {
        double[] a = new double[LAYERS + 1];
        a[0] = x;
        for (int l = 1; l <= LAYERS; l++) {
            a[l] = 1 / (1 + Math.exp(-(w[l] * a[l - 1] + b[l])));
        }
        return a;
    }

    /** Eq. (50). */
    private static double cost(double[] w, double[] b, double[] xs, double[] ys) {
        double c = 0;
        for (int i = 0; i < xs.length; i++) {
            double d = forward(w, b, xs[i])[LAYERS] - ys[i];
            c += d * d;
        }
        return c / xs.length;
    }
}
