package dev.lanes.optim;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {

    @Test
    void cosineFallsFromOneTowardsZeroAlongHalfACosine() {
        LearningRateSchedule c = LearningRateSchedule.COSINE;
        assertEquals(1f, c.factor(0, 1000));
        assertEquals(0.5f, c.factor(500, 1000), 1e-7f);
        // ½(1 + cos(π/4)) and ½(1 + cos(3π/4)), from the closed form.
        assertEquals(0.8535534f, c.factor(1, 4), 1e-7f);
        assertEquals(0.1464466f, c.factor(3, 4), 1e-7f);
        float last = c.factor(999, 1000);
        assertTrue(last > 0 && last < 1e-5f, "the last step is small but still a step: " + last);
        float previous = 2f;
        for (long t = 0; t < 1000; t++) {
            float f = c.factor(t, 1000);
            assertTrue(f <= previous, "non-increasing at step " + t);
            previous = f;
        }
        assertEquals(1f, c.factor(0, 1), "a one-step run takes its step at the base rate");
    }

    @Test
    void constantIsExactlyOneAndStepsOutsideTheRunAreRejected() {
        for (long t = 0; t < 100; t++) {
            assertEquals(1f, LearningRateSchedule.CONSTANT.factor(t, 100));
        }
        for (LearningRateSchedule s : LearningRateSchedule.values()) {
            assertThrows(IllegalArgumentException.class, () -> s.factor(100, 100));
            assertThrows(IllegalArgumentException.class, () -> s.factor(-1, 100));
            assertThrows(IllegalArgumentException.class, () -> s.factor(0, 0));
        }
        assertEquals("cosine", LearningRateSchedule.COSINE.label());
    }

    /**
     * A factor f on an optimizer built with rate η gives, step for step, the bits of the same
     * optimizer built with rate η·f (rounded to float), for every optimizer with a rate.
     */
    @Test
    void aFactorActsAsTheScaledRate() {
        NetworkSpec spec = NetworkSpec.of(new int[] {3, 5, 2}, Activation.TANH, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
        Random rnd = new Random(3);
        float[] x = new float[4 * 3];
        float[] y = new float[4 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int r = 0; r < 4; r++) {
            y[r * 2 + rnd.nextInt(2)] = 1;
        }
        float eta = 0.05f;
        float factor = 0.3f;
        List<Function<Float, Optimizer>> kinds = List.of(Sgd::new, lr -> new Sgd(lr, 0.01f),
                lr -> new Momentum(lr, 0.9f, 0.01f), Adam::new, lr -> Adam.adamW(lr, 0.02f));
        for (Function<Float, Optimizer> kind : kinds) {
            Network scheduled = Network.create(spec, 5, Kernels.reference());
            Network scaled = Network.create(spec, 5, Kernels.reference());
            Network unscheduled = Network.create(spec, 5, Kernels.reference());
            Optimizer a = kind.apply(eta);
            Optimizer b = kind.apply(eta * factor);
            Optimizer c = kind.apply(eta);
            Gradients g = scheduled.newGradients();
            for (int step = 0; step < 3; step++) {
                a.learningRateFactor(factor);
                scheduled.lossAndGradients(x, y, 4, g);
                a.step(scheduled, g);
                scaled.lossAndGradients(x, y, 4, g);
                b.step(scaled, g);
                c.learningRateFactor(1f);
                unscheduled.lossAndGradients(x, y, 4, g);
                c.step(unscheduled, g);
            }
            assertArrayEquals(scaled.parameters(), scheduled.parameters(), a.name());
            assertFalse(java.util.Arrays.equals(scaled.parameters(), unscheduled.parameters()), a.name());
            // reset() forgets the factor with the rest of the state.
            a.reset();
            Network again = Network.create(spec, 5, Kernels.reference());
            Network fresh = Network.create(spec, 5, Kernels.reference());
            Optimizer d = kind.apply(eta);
            again.lossAndGradients(x, y, 4, g);
            a.step(again, g);
            fresh.lossAndGradients(x, y, 4, g);
            d.step(fresh, g);
            assertArrayEquals(fresh.parameters(), again.parameters(), a.name() + " after reset");
        }
    }

    @Test
    void factorsOutsideTheRangeAndOptimizersWithoutARateAreRejected() {
        Optimizer sgd = new Sgd(0.1f);
        for (float bad : new float[] {0f, -0.5f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.learningRateFactor(bad));
            assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
        }
        Optimizer own = new Optimizer() {
            @Override public String name() { return "own"; }
            @Override public void step(Network n, Gradients g) { }
            @Override public void reset() { }
            @Override public State state() { return new State("own", 0, List.of()); }
            @Override public void restore(State s) { }
        };
        own.learningRateFactor(1f);   // a constant schedule works with any optimizer
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> own.learningRateFactor(0.5f));
        assertTrue(e.getMessage().contains("own"), e.getMessage());
    }
}
