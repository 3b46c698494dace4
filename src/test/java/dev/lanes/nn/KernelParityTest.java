package dev.lanes.nn;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.spi.KernelRegistry;
import dev.lanes.optim.Sgd;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Locale;
import java.util.Random;

import static dev.lanes.nn.GradientAssert.assertClose;
import static dev.lanes.nn.GradientAssert.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The batched path on {@link Kernels#reference()} and on the SIMD kernels at every vector width
 * with 1 and 2 threads: gradients and a few SGD steps agree within float tolerance, and for a
 * given width the SIMD results are bit-identical whatever the thread count.
 */
class KernelParityTest {

    private static Kernels simd(int bits, int threads) {
        try {
            return Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, threads, null));
        } catch (IllegalStateException e) {
            Assumptions.abort("SIMD kernels at " + bits + " bits unavailable here: " + e.getMessage());
            throw e;
        }
    }

    private record Case(NetworkSpec spec, int batch) {
    }

    private static final Case[] CASES = {
        new Case(NetworkSpec.of(new int[] {37, 64, 29, 10}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY), 53),
        new Case(NetworkSpec.of(new int[] {20, 33, 17, 5}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE), 1),
        new Case(NetworkSpec.of(new int[] {64, 130, 3}, Activation.TANH, Activation.IDENTITY, Loss.MSE), 97),
    };

    @ParameterizedTest(name = "{0}")
    @EnumSource(KernelRegistry.class)
    void simdMatchesReferenceAndIsThreadCountInvariant(KernelRegistry width) {
        int bits = width.bits();
        Kernels one = simd(bits, 1);
        Kernels two = simd(bits, 2);
        for (Case c : CASES) {
            Random rnd = new Random(c.batch());
            float[] x = GradientAssert.randomInputs(rnd, c.batch(), c.spec().inputs());
            float[] y = GradientAssert.randomTargets(rnd, c.batch(), c.spec().outputs(), c.spec().loss());
            Network ref = Network.create(c.spec(), 7, Kernels.reference());
            Network s1 = ref.copy(one);
            Network s2 = ref.copy(two);
            Gradients gr = ref.newGradients();
            Gradients g1 = s1.newGradients();
            Gradients g2 = s2.newGradients();
            double lr = ref.lossAndGradients(x, y, c.batch(), gr);
            double l1 = s1.lossAndGradients(x, y, c.batch(), g1);
            double l2 = s2.lossAndGradients(x, y, c.batch(), g2);
            System.out.printf(Locale.ROOT, "%s B=%d, %d-bit: loss reference %.8f simd %.8f%n",
                    c.spec(), c.batch(), bits, lr, l1);
            assertEquals(lr, l1, 1e-5 * Math.max(1, Math.abs(lr)));
            assertEquals(l1, l2, 0.0, "loss must not depend on the thread count");
            for (int l = 0; l < ref.depth(); l++) {
                assertClose("layer " + l + " dW simd vs reference", toDouble(g1.weights(l)), toDouble(gr.weights(l)), 1e-5, 1e-7);
                assertClose("layer " + l + " db simd vs reference", toDouble(g1.biases(l)), toDouble(gr.biases(l)), 1e-5, 1e-7);
                assertArrayEquals(g1.weights(l), g2.weights(l), "dW bit-identical for 1 and 2 threads, layer " + l);
                assertArrayEquals(g1.biases(l), g2.biases(l), "db bit-identical for 1 and 2 threads, layer " + l);
            }
            // A few SGD steps: the weights stay close to the reference and identical across threads.
            Sgd o1 = new Sgd(0.05f);
            Sgd o2 = new Sgd(0.05f);
            Sgd or = new Sgd(0.05f);
            for (int step = 0; step < 5; step++) {
                ref.lossAndGradients(x, y, c.batch(), gr);
                or.step(ref, gr);
                s1.lossAndGradients(x, y, c.batch(), g1);
                o1.step(s1, g1);
                s2.lossAndGradients(x, y, c.batch(), g2);
                o2.step(s2, g2);
            }
            for (int l = 0; l < ref.depth(); l++) {
                assertClose("layer " + l + " W after 5 steps", toDouble(s1.weights(l)), toDouble(ref.weights(l)), 1e-5, 1e-6);
                assertArrayEquals(s1.weights(l), s2.weights(l), "W bit-identical for 1 and 2 threads, layer " + l);
                assertArrayEquals(s1.biases(l), s2.biases(l), "b bit-identical for 1 and 2 threads, layer " + l);
            }
        }
    }
}
