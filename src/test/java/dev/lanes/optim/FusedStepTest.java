package dev.lanes.optim;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.nn.StepUpdate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An optimizer's {@link StepUpdate}, made once, follows what is done to the optimizer between
 * steps: a learning-rate factor, a reset, a restored state.
 */
class FusedStepTest {

    private static final NetworkSpec SPEC = NetworkSpec.of(new int[] {12, 9, 4}, Activation.TANH, Activation.SOFTMAX,
            Loss.CROSS_ENTROPY);
    private static final int ROWS = 16;

    private static float[][] batch(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[ROWS * 12];
        float[] y = new float[ROWS * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int r = 0; r < ROWS; r++) {
            y[r * 4 + rnd.nextInt(4)] = 1f;
        }
        return new float[][] {x, y};
    }

    private static Kernels simd() {
        return Kernels.create(KernelConfig.defaults().withImplementation(KernelConfig.Implementation.SIMD)
                .withThreads(2));
    }

    /**
     * Five steps with a factor of 0.5 on the third; after the second, the optimizer is restored
     * to the state it had after the first and the parameters set back, then steps two to five
     * run again. Returns the parameters and the optimizer's final state.
     */
    private static Object[] run(Optimizer opt, boolean fused) {
        Network net = Network.create(SPEC, 5, simd());
        Gradients g = net.newGradients();
        StepUpdate update = fused ? opt.stepUpdate(net, g) : null;
        Optimizer.State afterFirst = null;
        float[] paramsAfterFirst = null;
        boolean rewound = false;
        for (int s = 1; s <= 5; s++) {
            float[][] b = batch(s);
            opt.learningRateFactor(s == 3 ? 0.5f : 1f);
            net.lossAndGradients(b[0], b[1], ROWS, g, update);
            if (update == null) {
                opt.step(net, g);
            }
            if (s == 1) {
                afterFirst = opt.state();
                paramsAfterFirst = net.parameters().clone();
            }
            if (s == 2 && !rewound) {
                rewound = true;
                opt.restore(afterFirst);
                net.copyParametersFrom(paramsAfterFirst);
                s = 1;
            }
        }
        return new Object[] {net.parameters().clone(), opt.state()};
    }

    @Test
    void aStepUpdateFollowsFactorsAndRestoredStates() {
        List<Supplier<Optimizer>> kinds = List.of(() -> new Sgd(0.1f, 0.01f), () -> new Momentum(0.05f, 0.9f, 0.01f),
                () -> new Adam(0.01f), () -> Adam.adamW(0.01f, 0.02f));
        for (Supplier<Optimizer> kind : kinds) {
            Object[] separate = run(kind.get(), false);
            Object[] fused = run(kind.get(), true);
            String what = kind.get().toString();
            assertArrayEquals((float[]) separate[0], (float[]) fused[0], what + ": parameters");
            Optimizer.State a = (Optimizer.State) separate[1];
            Optimizer.State b = (Optimizer.State) fused[1];
            assertEquals(a.steps(), b.steps(), what + ": steps");
            assertEquals(a.buffers().size(), b.buffers().size(), what);
            for (int i = 0; i < a.buffers().size(); i++) {
                assertArrayEquals(a.buffer(i), b.buffer(i), what + ": state buffer " + i);
            }
        }
    }

    @Test
    void aStepUpdateAfterAResetStartsAfresh() {
        Network net = Network.create(SPEC, 5, simd());
        Gradients g = net.newGradients();
        Adam adam = new Adam(0.01f);
        StepUpdate update = adam.stepUpdate(net, g);
        float[][] b = batch(9);
        net.lossAndGradients(b[0], b[1], ROWS, g, update);
        net.lossAndGradients(b[0], b[1], ROWS, g, update);
        adam.reset();
        float[] before = net.parameters().clone();
        net.lossAndGradients(b[0], b[1], ROWS, g, update);
        assertEquals(1, adam.state().steps(), "one step since the reset");

        // the same step from the same parameters by a fresh Adam, separately
        Network other = Network.create(SPEC, 5, simd());
        other.copyParametersFrom(before);
        Gradients h = other.newGradients();
        Adam fresh = new Adam(0.01f);
        other.lossAndGradients(b[0], b[1], ROWS, h);
        fresh.step(other, h);
        assertArrayEquals(other.parameters(), net.parameters());
    }
}
