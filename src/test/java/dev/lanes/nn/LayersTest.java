package dev.lanes.nn;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.optim.Adam;
import dev.lanes.optim.GradientClipping;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer contract beyond the notes: GELU and SiLU dense layers and dropout, gradient-checked in
 * double against central differences and per-example backpropagation; the builder; the flat
 * parameter layout and gradient arithmetic; and bit-identical training for any thread count.
 */
class LayersTest {

    private static final Kernels SIMD1 = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
    private static final Kernels SIMD2 = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 2, null));

    private static void assertGradientsAgree(Network net, int batch, long seed) {
        Random rnd = new Random(seed);
        float[] x = GradientAssert.randomInputs(rnd, batch, net.inputs());
        float[] y = GradientAssert.randomTargets(rnd, batch, net.outputs(), net.spec().loss());
        List<GradientCheck.TensorError> errors = GradientCheck.run(net, x, y, batch, 1e-5);
        assertFalse(errors.isEmpty());
        for (GradientCheck.TensorError e : errors) {
            assertTrue(e.worst() < 1e-3, net.spec() + " on " + net.kernels().name() + ": " + e);
            assertTrue(e.maxAbsGradient() > 0, e.toString());
        }
    }

    @Test
    void geluAndSiluLayersHaveCorrectGradients() {
        for (Kernels k : new Kernels[] {Kernels.reference(), SIMD1}) {
            for (Activation a : new Activation[] {Activation.GELU, Activation.SILU}) {
                for (Loss loss : Loss.values()) {
                    Activation out = loss == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : a;
                    Network net = Network.builder(5).dense(7, a).dense(4, a).dense(3, out).loss(loss).build(17, k);
                    assertGradientsAgree(net, 6, 17);
                }
            }
        }
    }

    @Test
    void dropoutLayersHaveCorrectGradientsWithTheirMask() {
        for (Kernels k : new Kernels[] {Kernels.reference(), SIMD1}) {
            Network net = Network.builder(6).dropout(0.25).dense(8, Activation.TANH).dropout(0.5)
                    .dense(5, Activation.RELU).dense(3, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).build(3, k);
            assertGradientsAgree(net, 7, 5);
            Network mse = Network.builder(4).dense(9, Activation.SIGMOID).dropout(0.3)
                    .dense(2, Activation.IDENTITY).loss(Loss.MSE).build(4, k);
            assertGradientsAgree(mse, 5, 6);
        }
    }

    @Test
    void dropoutDropsOnlyInTrainingAtItsRateAndRepeatsFromItsState() {
        Network net = Network.builder(50).dropout(0.2).dense(1, Activation.IDENTITY).loss(Loss.MSE)
                .build(1, Kernels.reference());
        net.setWeights(1, filled(50, 1f));
        int rows = 400;
        float[] x = filled(rows * 50, 1f);
        float[] y = new float[rows];
        // Evaluation and prediction never drop: every output is the plain sum, 50.
        for (float v : net.predict(x, rows)) {
            assertEquals(50f, v);
        }
        long[] before = net.randomState();
        net.lossAndGradients(x, y, rows, net.newGradients());
        Dropout d = (Dropout) net.layer(0);
        float[] mask = d.lastMask();
        int dropped = 0;
        for (float m : mask) {
            assertTrue(m == 0f || m == 1.25f, "mask value " + m);
            dropped += m == 0f ? 1 : 0;
        }
        double rate = (double) dropped / mask.length;
        assertEquals(0.2, rate, 0.01, "drop rate over " + mask.length + " values");
        net.lossAndGradients(x, y, rows, net.newGradients());
        assertFalse(Arrays.equals(mask, d.lastMask()), "each step draws a new mask");
        net.restoreRandomState(before);
        net.lossAndGradients(x, y, rows, net.newGradients());
        assertArrayEquals(mask, d.lastMask(), "the random state restores the masks to come");
        assertNotEquals(before[1], net.randomState()[1]);
    }

    @Test
    void builderReadsLikeTheArchitecture() {
        NetworkSpec spec = Network.builder(784).dense(512, Activation.RELU).dropout(0.2)
                .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        assertEquals("784 -> 512 RELU -> dropout 0.2 -> 10 SOFTMAX, CROSS_ENTROPY", spec.toString());
        assertArrayEquals(new int[] {784, 512, 512, 10}, spec.sizes());
        assertEquals(784L * 512 + 512 + 512 * 10 + 10, spec.parameterCount());
        assertEquals(NetworkSpec.of(new int[] {4, 3, 2}, Activation.TANH, Activation.SOFTMAX, Loss.CROSS_ENTROPY),
                NetworkSpec.builder(4).dense(3, Activation.TANH).dense(2, Activation.SOFTMAX)
                        .loss(Loss.CROSS_ENTROPY).spec());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Network.builder(4).dense(3, Activation.RELU)
                .dropout(0.5).loss(Loss.MSE).spec()).getMessage().contains("output layer must be dense"));
        assertThrows(IllegalArgumentException.class, () -> Network.builder(4).dropout(1.0));
    }

    @Test
    void parametersAreOneFlatArrayLayerByLayerWeightsThenBiases() {
        Network net = Network.builder(3).dense(4, Activation.TANH).dropout(0.1).dense(2, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).build(9, Kernels.reference());
        float[] p = net.parameters();
        assertSame(p, net.parameters());
        assertEquals(3 * 4 + 4 + 4 * 2 + 2, p.length);
        assertEquals(0, net.parameterOffset(0));
        assertEquals(16, net.parameterOffset(1));
        assertEquals(16, net.parameterOffset(2));
        assertArrayEquals(Arrays.copyOfRange(p, 0, 12), net.weights(0));
        assertArrayEquals(Arrays.copyOfRange(p, 12, 16), net.biases(0));
        assertArrayEquals(Arrays.copyOfRange(p, 16, 24), net.weights(2));
        assertArrayEquals(Arrays.copyOfRange(p, 24, 26), net.biases(2));
        assertThrows(IllegalArgumentException.class, () -> net.weights(1));
        float[] copy = new float[p.length];
        net.copyParametersTo(copy);
        assertArrayEquals(p, copy);
        copy[5] = 42f;
        net.copyParametersFrom(copy);
        assertEquals(42f, net.weights(0)[5]);
        assertThrows(IllegalArgumentException.class, () -> net.copyParametersFrom(new float[3]));

        Random rnd = new Random(2);
        float[] x = GradientAssert.randomInputs(rnd, 5, 3);
        float[] y = GradientAssert.randomTargets(rnd, 5, 2, Loss.CROSS_ENTROPY);
        Gradients g = net.newGradients();
        net.lossAndGradients(x, y, 5, g);
        assertEquals(p.length, g.flat().length);
        assertArrayEquals(Arrays.copyOfRange(g.flat(), 16, 24), g.weights(2));
        assertArrayEquals(Arrays.copyOfRange(g.flat(), 12, 16), g.biases(0));
    }

    @Test
    void gradientsAddAndCopyElementByElement() {
        Network net = Network.builder(3).dense(4, Activation.RELU).dense(2, Activation.IDENTITY).loss(Loss.MSE)
                .build(1, Kernels.reference());
        Gradients a = net.newGradients();
        Gradients b = net.newGradients();
        for (int i = 0; i < a.size(); i++) {
            a.flat()[i] = i;
            b.flat()[i] = 0.5f * i;
        }
        Gradients sum = net.newGradients();
        sum.copyFrom(a);
        sum.add(b);
        b.addTo(a);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(1.5f * i, sum.flat()[i]);
            assertEquals(1.5f * i, a.flat()[i]);
        }
        sum.clear();
        assertEquals(0f, sum.flat()[7]);
        Network other = Network.builder(3).dense(5, Activation.RELU).dense(2, Activation.IDENTITY).loss(Loss.MSE)
                .build(1, Kernels.reference());
        assertThrows(IllegalArgumentException.class, () -> a.add(other.newGradients()));
    }

    /** GELU, dropout, clipping and AdamW train to the same bits on one thread and on two. */
    @Test
    void trainingIsBitIdenticalForAnyThreadCount() {
        float[][] results = new float[2][];
        Kernels[] kernels = {SIMD1, SIMD2};
        for (int t = 0; t < 2; t++) {
            Network net = Network.builder(40).dense(96, Activation.GELU).dropout(0.3).dense(64, Activation.SILU)
                    .dense(5, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).build(8, kernels[t]);
            Adam opt = Adam.adamW(1e-3f, 0.01f);
            Random rnd = new Random(4);
            Gradients g = net.newGradients();
            for (int step = 0; step < 5; step++) {
                float[] x = GradientAssert.randomInputs(rnd, 150, 40);
                float[] y = GradientAssert.randomTargets(rnd, 150, 5, Loss.CROSS_ENTROPY);
                net.lossAndGradients(x, y, 150, g);
                GradientClipping.clipGlobalNorm(net.kernels(), g, 0.5);
                opt.step(net, g);
            }
            results[t] = net.parameters().clone();
        }
        assertArrayEquals(results[0], results[1]);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
