package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Specs, initialisation, parameter access, predict and evaluate. */
class NetworkTest {

    @Test
    void sameSeedSameNetworkOtherSeedOtherNetwork() {
        NetworkSpec spec = NetworkSpec.of(new int[] {10, 20, 5}, Activation.TANH, Activation.SIGMOID, Loss.MSE);
        Network a = Network.create(spec, 42, Kernels.reference());
        Network b = Network.create(spec, 42, Kernels.reference());
        Network c = Network.create(spec, 43, Kernels.reference());
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(a.weights(l), b.weights(l));
            assertFalse(java.util.Arrays.equals(a.weights(l), c.weights(l)));
            assertArrayEquals(new float[spec.sizes()[l + 1]], a.biases(l), "biases start at 0");
        }
    }

    @Test
    void xavierForSigmoidTanhIdentitySoftmaxHeForRelu() {
        int n = 200;
        int m = 100;
        for (Activation act : Activation.values()) {
            Loss loss = act == Activation.SOFTMAX ? Loss.CROSS_ENTROPY : Loss.MSE;
            Network net = Network.create(NetworkSpec.of(new int[] {n, m}, act, act, loss), 3, Kernels.reference());
            float[] w = net.weights(0);
            double limit = act == Activation.RELU || act == Activation.GELU || act == Activation.SILU
                    ? Math.sqrt(6.0 / n) : Math.sqrt(6.0 / (n + m));
            double sumSq = 0;
            double max = 0;
            for (float v : w) {
                sumSq += v * v;
                max = Math.max(max, Math.abs(v));
            }
            double variance = sumSq / w.length;
            double expected = limit * limit / 3;   // variance of U(−limit, limit)
            assertTrue(max <= limit, act + ": |w| <= " + limit);
            assertTrue(max > 0.95 * limit, act + ": the draws should fill the range");
            assertEquals(expected, variance, 0.05 * expected, act + ": variance");
        }
    }

    @Test
    void specRejectsMisplacedSoftmaxAndMismatchedLoss() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(new int[] {3, 4, 2},
                new Activation[] {Activation.SOFTMAX, Activation.SOFTMAX}, Loss.CROSS_ENTROPY))
                .getMessage().contains("only allowed on the output"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(new int[] {3, 2},
                Activation.SIGMOID, Activation.SIGMOID, Loss.CROSS_ENTROPY)).getMessage().contains("SOFTMAX"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(new int[] {3, 2},
                Activation.SOFTMAX, Activation.SOFTMAX, Loss.MSE)).getMessage().contains("CROSS_ENTROPY"));
        assertThrows(IllegalArgumentException.class, () -> new NetworkSpec(3, List.of(), Loss.MSE));
        assertThrows(IllegalArgumentException.class, () -> new DenseSpec(0, Activation.RELU));
    }

    @Test
    void parametersArePlainDataCopiesInAndOut() {
        NetworkSpec spec = NetworkSpec.of(new int[] {3, 2}, Activation.IDENTITY, Activation.IDENTITY, Loss.MSE);
        Network net = Network.create(spec, 1, Kernels.reference());
        assertEquals(8, spec.parameterCount());
        assertArrayEquals(new int[] {3, 2}, spec.sizes());
        float[] w = {1, 2, 3, 4, 5, 6};   // W is 2×3: row j holds the weights into neuron j
        net.setWeights(0, w);
        net.setBiases(0, new float[] {10, 20});
        float[] copy = net.weights(0);
        assertNotSame(copy, net.weights(0));
        copy[0] = 99;
        assertEquals(1f, net.weights(0)[0], "weights() returns a copy");
        assertEquals(1f, net.parameters()[0], "parameters() is the live flat array, W first");
        // z = W·x + b for x = (1, 1, 1): (1+2+3+10, 4+5+6+20)
        assertArrayEquals(new float[] {16, 35}, net.predict(new float[] {1, 1, 1}, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> net.setWeights(0, new float[5]))
                .getMessage().contains("2x3"));
    }

    @Test
    void predictHandlesAnyBatchSizeAndSoftmaxRowsSumToOne() {
        NetworkSpec spec = NetworkSpec.of(new int[] {6, 9, 4}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
        Network net = Network.create(spec, 5, Kernels.reference());
        Random rnd = new Random(1);
        int rows = 2500;   // more than one forward chunk
        float[] x = GradientAssert.randomInputs(rnd, rows, 6);
        float[] all = net.predict(x, rows);
        for (int r : new int[] {0, 1, 1023, 1024, 2499}) {
            float[] one = net.predict(java.util.Arrays.copyOfRange(x, r * 6, r * 6 + 6), 1);
            assertArrayEquals(one, java.util.Arrays.copyOfRange(all, r * 4, r * 4 + 4), 1e-6f, "row " + r);
            double sum = 0;
            for (float p : one) {
                sum += p;
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void evaluateMatchesTheTrainingLossAndCountsArgMax() {
        NetworkSpec spec = NetworkSpec.of(new int[] {4, 5, 3}, Activation.SIGMOID, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
        Network net = Network.create(spec, 6, Kernels.reference());
        Random rnd = new Random(2);
        float[] x = GradientAssert.randomInputs(rnd, 10, 4);
        float[] y = GradientAssert.randomTargets(rnd, 10, 3, Loss.CROSS_ENTROPY);
        double trainLoss = net.lossAndGradients(x, y, 10, net.newGradients());
        Evaluation ev = net.evaluate(x, y, 10);
        assertEquals(trainLoss, ev.loss(), 1e-6);
        float[] p = net.predict(x, 10);
        assertEquals(Network.countCorrect(p, 0, y, 0, 10, 3), ev.correct());
        assertEquals(10, ev.examples());
    }
}
