package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import dev.lanes.optim.Sgd;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XOR is not linearly separable: one sigmoid neuron cannot learn it, a hidden layer can. */
class XorTest {

    private static final float[] X = {0, 0, 0, 1, 1, 0, 1, 1};
    private static final float[] Y = {0, 1, 1, 0};

    private static double train(Network net, int steps) {
        Gradients g = net.newGradients();
        Sgd sgd = new Sgd(2f);
        double cost = Double.NaN;
        for (int s = 0; s < steps; s++) {
            cost = net.lossAndGradients(X, Y, 4, g);
            sgd.step(net, g);
        }
        return cost;
    }

    @Test
    void twoLayerNetworkLearnsXor() {
        Network net = Network.create(NetworkSpec.of(new int[] {2, 4, 1}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE),
                7, Kernels.reference());
        double cost = train(net, 5000);
        float[] out = net.predict(X, 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(Y[i], out[i] >= 0.5f ? 1f : 0f, "XOR(" + X[2 * i] + ", " + X[2 * i + 1] + ") = " + out[i]);
        }
        assertTrue(cost < 0.02, "cost " + cost);
        assertEquals(1.0, net.evaluate(X, Y, 4).accuracy());
    }

    @Test
    void singleNeuronCannotLearnXor() {
        Network net = Network.create(NetworkSpec.of(new int[] {2, 1}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE),
                7, Kernels.reference());
        double cost = train(net, 5000);
        assertTrue(net.evaluate(X, Y, 4).accuracy() <= 0.75);
        assertTrue(cost > 0.2, "a linear boundary cannot get below 1/4 of the examples wrong; cost " + cost);
    }
}
