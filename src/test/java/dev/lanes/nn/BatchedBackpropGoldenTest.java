package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import static dev.lanes.nn.Activation.IDENTITY;
import static dev.lanes.nn.Activation.RELU;
import static dev.lanes.nn.Activation.SIGMOID;
import static dev.lanes.nn.Activation.SOFTMAX;
import static dev.lanes.nn.Activation.TANH;
import static dev.lanes.nn.GradientAssert.assertClose;
import static dev.lanes.nn.GradientAssert.flatten;
import static dev.lanes.nn.GradientAssert.maxRelativeError;
import static dev.lanes.nn.GradientAssert.toDouble;
import static dev.lanes.nn.Loss.CROSS_ENTROPY;
import static dev.lanes.nn.Loss.MSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §6 of the notes, eqs. (57)–(63): the batched float path (one GEMM per layer and direction over
 * the whole mini-batch) against the per-example Algorithmic Summary in double
 * ({@link NotesAlgorithmOracle}), and both against central finite differences of the cost in
 * double. Prints the max difference per tensor, llm.c style.
 */
class BatchedBackpropGoldenTest {

    static Stream<Arguments> networks() {
        return Stream.of(
                // sizes m0..mL, hidden σ, output σ, loss, batch
                Arguments.of(new int[] {3, 1}, IDENTITY, IDENTITY, MSE, 1),
                Arguments.of(new int[] {5, 4, 3}, SIGMOID, SIGMOID, MSE, 7),
                Arguments.of(new int[] {6, 8, 5, 4}, TANH, IDENTITY, MSE, 16),
                Arguments.of(new int[] {2, 3, 3, 3, 1}, TANH, TANH, MSE, 1),
                Arguments.of(new int[] {9, 17, 1}, RELU, SIGMOID, MSE, 5),
                Arguments.of(new int[] {8, 10, 10, 3}, RELU, RELU, MSE, 11),
                Arguments.of(new int[] {7, 9, 3}, RELU, SOFTMAX, CROSS_ENTROPY, 3),
                Arguments.of(new int[] {4, 5, 6, 2}, SIGMOID, SOFTMAX, CROSS_ENTROPY, 33),
                Arguments.of(new int[] {5, 6, 4}, IDENTITY, SOFTMAX, CROSS_ENTROPY, 2),
                Arguments.of(new int[] {13, 31, 7, 10}, TANH, SOFTMAX, CROSS_ENTROPY, 1),
                Arguments.of(new int[] {16, 20, 12, 10}, SIGMOID, SIGMOID, MSE, 64));
    }

    @ParameterizedTest(name = "{0} {1}/{2} {3} B={4}")
    @MethodSource("networks")
    void batchedFloatPathMatchesPerExampleOracleAndFiniteDifferences(
            int[] sizes, Activation hidden, Activation output, Loss loss, int batch) {
        NetworkSpec spec = NetworkSpec.of(sizes, hidden, output, loss);
        long seed = 31L * Arrays.hashCode(sizes) + batch;
        Network net = Network.create(spec, seed, Kernels.reference());
        Random rnd = new Random(seed);
        // Non-zero biases, so the bias path of the forward pass is exercised too.
        for (int l = 0; l < net.depth(); l++) {
            float[] b = net.biases(l);
            for (int j = 0; j < b.length; j++) {
                b[j] = (float) (0.3 * rnd.nextGaussian());
            }
            net.setBiases(l, b);
        }
        int m0 = sizes[0];
        int mL = sizes[sizes.length - 1];
        float[] x = GradientAssert.randomInputs(rnd, batch, m0);
        float[] y = GradientAssert.randomTargets(rnd, batch, mL, loss);

        Gradients g = net.newGradients();
        double cost = net.lossAndGradients(x, y, batch, g);

        NotesAlgorithmOracle oracle = new NotesAlgorithmOracle(net);
        double[][] xd = GradientAssert.rows(x, batch, m0);
        double[][] yd = GradientAssert.rows(y, batch, mL);
        NotesAlgorithmOracle.Grads want = oracle.gradients(xd, yd, false);
        NotesAlgorithmOracle.Grads fd = oracle.finiteDifferences(xd, yd, 1e-5);
        double oracleCost = oracle.cost(xd, yd);

        System.out.printf(Locale.ROOT, "%s, B=%d: cost float %.9f, double %.9f%n", spec, batch, cost, oracleCost);
        assertEquals(oracleCost, cost, 1e-5 * Math.max(1, Math.abs(oracleCost)), "cost");
        for (int l = 0; l < net.depth(); l++) {
            double[] wantW = flatten(want.dW()[l]);
            double[] fdW = flatten(fd.dW()[l]);
            double[] gotW = toDouble(g.weights(l));
            double[] gotB = toDouble(g.biases(l));
            // float path vs the double oracle, within float accuracy
            assertClose("layer " + l + " dW vs oracle", gotW, wantW, 2e-5, 1e-6);
            assertClose("layer " + l + " db vs oracle", gotB, want.db()[l], 2e-5, 1e-6);
            // the oracle vs finite differences, all in double
            double relW = maxRelativeError(wantW, fdW, 1e-8);
            double relB = maxRelativeError(want.db()[l], fd.db()[l], 1e-8);
            System.out.printf(Locale.ROOT, "    layer %d oracle vs FD: max rel err dW %.2e, db %.2e%n", l, relW, relB);
            assertTrue(relW <= 1e-3, "layer " + l + " dW: oracle vs finite differences " + relW);
            assertTrue(relB <= 1e-3, "layer " + l + " db: oracle vs finite differences " + relB);
            // the float path vs finite differences: float rounding (~1e-7 of the tensor's scale)
            // makes tiny elements noisy, so the floor scales with the tensor
            double floorW = Math.max(1e-8, 1e-4 * GradientAssert.maxAbs(fdW));
            double floorB = Math.max(1e-8, 1e-4 * GradientAssert.maxAbs(fd.db()[l]));
            double fRelW = maxRelativeError(gotW, fdW, floorW);
            double fRelB = maxRelativeError(gotB, fd.db()[l], floorB);
            System.out.printf(Locale.ROOT, "    layer %d float vs FD:  max rel err dW %.2e, db %.2e%n", l, fRelW, fRelB);
            assertTrue(fRelW <= 1e-3, "layer " + l + " dW: float path vs finite differences " + fRelW);
            assertTrue(fRelB <= 1e-3, "layer " + l + " db: float path vs finite differences " + fRelB);
        }
    }
}
