package dev.lanes.cli;

import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.gemm.Gemm;
import dev.lanes.nn.Activation;
import dev.lanes.nn.DropoutSpec;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Sgd;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up warm-up's miniature takes every GEMM path of the real network and changes nothing. */
class StartupWarmupTest {

    private static void assertSamePaths(NetworkSpec spec) {
        NetworkSpec mini = StartupWarmup.miniature(spec);
        int[] real = spec.sizes();
        int[] small = mini.sizes();
        assertEquals(real.length, small.length, spec + " vs " + mini);
        assertEquals(spec.loss(), mini.loss());
        for (int i = 0; i + 1 < real.length; i++) {
            assertTrue(small[i] <= real[i], "width " + i + " of " + mini + " is not smaller than in " + spec);
            // Forward: C = X·Wᵀ (B stored transposed); backward: X's error = D·W.
            assertEquals(Gemm.path(true, StartupWarmup.ROWS, real[i + 1], real[i]),
                    Gemm.path(true, StartupWarmup.ROWS, small[i + 1], small[i]), "forward of layer " + i + ": " + mini);
            assertEquals(Gemm.path(false, StartupWarmup.ROWS, real[i], real[i + 1]),
                    Gemm.path(false, StartupWarmup.ROWS, small[i], small[i + 1]), "backward of layer " + i + ": " + mini);
            assertEquals(real[i] % 32, small[i] % 32, "tile edge of width " + i + ": " + mini);
        }
        for (int l = 0; l < spec.layers().size(); l++) {
            assertEquals(spec.layers().get(l).kind(), mini.layers().get(l).kind());
        }
    }

    @Test
    void theMiniatureKeepsEveryGemmPath() {
        assertSamePaths(NetworkSpec.of(new int[] {784, 256, 10}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY));
        assertSamePaths(NetworkSpec.of(new int[] {784, 512, 512, 10}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE));
        assertSamePaths(NetworkSpec.of(new int[] {64, 100, 70, 3}, Activation.TANH, Activation.IDENTITY, Loss.MSE));
        assertSamePaths(NetworkSpec.of(new int[] {2, 4, 3}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY));
        assertSamePaths(NetworkSpec.of(new int[] {300, 20, 700, 1}, Activation.GELU, Activation.IDENTITY, Loss.MSE));
        NetworkSpec withDropout = NetworkSpec.builder(784).dense(256, Activation.RELU).dropout(0.2)
                .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).spec();
        assertSamePaths(withDropout);
        assertInstanceOf(DropoutSpec.class, StartupWarmup.miniature(withDropout).layers().get(1));
        assertArrayEquals(new int[] {48, 64, 64, 10}, StartupWarmup.miniature(withDropout).sizes());
    }

    @Test
    void theWarmUpLeavesTheNetworkAloneAndCanBeStopped() throws Exception {
        NetworkSpec spec = NetworkSpec.of(new int[] {600, 40, 10}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
        Network net = Network.create(spec, 3, Kernels.simd());
        float[] before = net.parameters().clone();
        StartupWarmup.Handle h = StartupWarmup.forward(net, true);
        h.done.get(); // completes normally: every call of the miniature ran
        assertArrayEquals(before, net.parameters());
        // A pass of a few rows stops a running warm-up instead of waiting for it.
        StartupWarmup.Handle h2 = StartupWarmup.forward(net, false);
        StartupWarmup.beforePass(h2, net, 2);
        assertTrue(h2.stop);
        h2.done.get();
        // The training step's warm-up updates its own miniature, not the network.
        StartupWarmup.Handle h3 = StartupWarmup.training(net.spec(), net.kernels(), new Sgd(0.1f));
        h3.done.get();
        assertArrayEquals(before, net.parameters());
        // On the reference kernels nothing starts.
        assertNull(StartupWarmup.forward(net.copy(Kernels.reference()), true));
    }
}
