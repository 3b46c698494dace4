package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Random;

import static dev.lanes.nn.GradientAssert.flatten;
import static dev.lanes.nn.GradientAssert.maxRelativeError;
import static dev.lanes.nn.GradientAssert.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notes' eq. (58) prints δ_L = (a − y) ∘ σ'(z), but the per-example loss it differentiates,
 * L_i = ‖a − y‖² (and eq. (51) in §5), gives 2(a − y) ∘ σ'(z). The library follows the cost (57):
 * finite differences of (57) agree with the code and disagree with (58) as printed, by exactly a
 * factor 2.
 */
class Eq58FactorTwoTest {

    @Test
    void codeFollowsTheCostNotEq58AsPrinted() {
        NetworkSpec spec = NetworkSpec.of(new int[] {4, 5, 3}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE);
        Network net = Network.create(spec, 58, Kernels.reference());
        Random rnd = new Random(58);
        int batch = 6;
        float[] x = GradientAssert.randomInputs(rnd, batch, 4);
        float[] y = GradientAssert.randomTargets(rnd, batch, 3, Loss.MSE);
        Gradients g = net.newGradients();
        net.lossAndGradients(x, y, batch, g);

        NotesAlgorithmOracle oracle = new NotesAlgorithmOracle(net);
        double[][] xd = GradientAssert.rows(x, batch, 4);
        double[][] yd = GradientAssert.rows(y, batch, 3);
        NotesAlgorithmOracle.Grads fd = oracle.finiteDifferences(xd, yd, 1e-5);
        NotesAlgorithmOracle.Grads printed = oracle.gradients(xd, yd, true);

        for (int l = 0; l < net.depth(); l++) {
            double[] fdW = flatten(fd.dW()[l]);
            double[] code = toDouble(g.weights(l));
            double[] eq58 = flatten(printed.dW()[l]);
            double codeErr = maxRelativeError(code, fdW, 1e-6);
            double printedErr = maxRelativeError(eq58, fdW, 1e-6);
            System.out.printf(Locale.ROOT, "layer %d: rel err vs FD of (57): code %.2e, eq. (58) as printed %.2e%n",
                    l, codeErr, printedErr);
            assertTrue(codeErr <= 1e-3, "code vs finite differences of (57): " + codeErr);
            // |x/2 − x| / (|x/2| + |x|) = 1/3 for every element
            assertTrue(printedErr > 0.3, "eq. (58) as printed should be off by a factor 2: " + printedErr);
            for (int i = 0; i < fdW.length; i++) {
                if (Math.abs(fdW[i]) > 1e-6) {
                    assertEquals(2.0, fdW[i] / eq58[i], 1e-3, "FD / eq. (58) at layer " + l + " element " + i);
                }
            }
        }
    }
}
