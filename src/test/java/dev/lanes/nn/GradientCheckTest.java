package dev.lanes.nn;

import dev.lanes.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientCheckTest {

    private static List<GradientCheck.TensorError> check(int[] sizes, Activation hidden, Activation out, Loss loss,
                                                         int batch, double h) {
        Network net = Network.create(NetworkSpec.of(sizes, hidden, out, loss), 17, Kernels.reference());
        Random rnd = new Random(17);
        float[] x = GradientAssert.randomInputs(rnd, batch, sizes[0]);
        float[] y = GradientAssert.randomTargets(rnd, batch, sizes[sizes.length - 1], loss);
        return GradientCheck.run(net, x, y, batch, h);
    }

    @Test
    void correctGradientsAgreeWithBothReferences() {
        for (Loss loss : Loss.values()) {
            Activation out = loss == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
            for (Activation hidden : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.IDENTITY}) {
                List<GradientCheck.TensorError> errors = check(new int[] {5, 7, 4, 3}, hidden, out, loss, 6, 1e-5);
                assertEquals(List.of("W1", "b1", "W2", "b2", "W3", "b3"),
                        errors.stream().map(GradientCheck.TensorError::name).toList());
                for (GradientCheck.TensorError e : errors) {
                    assertTrue(e.worst() < 1e-3, loss + "/" + hidden + ": " + e);
                    assertTrue(e.maxAbsGradient() > 0, e.toString());
                }
            }
        }
    }

    /** A finite-difference step of 1 is far too coarse: only the finite-difference column may notice. */
    @Test
    void theTwoReferencesAreIndependent() {
        List<GradientCheck.TensorError> errors = check(new int[] {4, 6, 2}, Activation.TANH, Activation.SIGMOID,
                Loss.MSE, 5, 1.0);
        double fd = errors.stream().mapToDouble(GradientCheck.TensorError::vsFiniteDifferences).max().orElseThrow();
        double pe = errors.stream().mapToDouble(GradientCheck.TensorError::vsPerExample).max().orElseThrow();
        assertTrue(fd > 1e-2, "finite differences with h = 1 should disagree, worst " + fd);
        assertTrue(pe < 1e-4, "per-example backprop does not depend on h, worst " + pe);
    }
}
