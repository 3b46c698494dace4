package dev.lanes.predict;

import dev.lanes.io.Model;
import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.testsupport.JitSettling;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Once warm, single-row and batch predictions allocate nothing on the calling thread: measured
 * with the JVM's per-thread allocation counter, repeated until the JIT has settled
 * ({@link JitSettling}), never against a clock.
 */
class PredictorAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** This thread's allocated bytes; the by-id form, which itself allocates nothing. */
    private static long allocated(long thread) {
        return THREADS.getThreadAllocatedBytes(thread);
    }

    @Test
    void warmPredictionsAllocateNothing() {
        Kernels simd1 = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
        Kernels simd2 = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 2, null));
        for (Kernels k : new Kernels[] {Kernels.reference(), simd1, simd2}) {
            for (Activation act : new Activation[] {Activation.RELU, Activation.GELU}) {
                check(k, act);
            }
        }
        // A layer of 300 × 256 is large enough for the one-row product to be split over threads.
        Model wide = TestModels.model(300, new int[] {256}, 10, Activation.RELU, Loss.CROSS_ENTROPY, 4, simd2);
        Predictor p = Predictor.of(wide);
        float[] row = TestModels.rows(new Random(2), 1, 300);
        float[] out = new float[10];
        long me = Thread.currentThread().threadId();
        long least = JitSettling.smallest(() -> {
            long before = allocated(me);
            for (int i = 0; i < 50; i++) {
                p.predict(row, 0, out, 0);
            }
            return allocated(me) - before;
        }, 0, 1000);
        if (least != 0) {
            fail(simd2.describe() + " 300-256-10: every window of 50 one-row predictions allocated, at least " + least
                    + " bytes");
        }
    }

    private static void check(Kernels k, Activation act) {
        Model model = TestModels.model(40, new int[] {33, 20}, 10, act, Loss.CROSS_ENTROPY, 3, k);
        Predictor p = Predictor.of(model);
        Random rnd = new Random(1);
        float[] row = TestModels.rows(rnd, 1, 40);
        float[] batch = TestModels.rows(rnd, 19, 40);
        // Large enough to be cut into row shards when the kernels have threads.
        float[] big = TestModels.rows(rnd, 200, 40);
        float[] out = new float[200 * 10];
        long me = Thread.currentThread().threadId();
        long least = JitSettling.smallest(() -> {
            long before = allocated(me);
            for (int i = 0; i < 50; i++) {
                p.predict(row, 0, out, 0);
                p.predictClass(row);
                p.predict(batch, 0, 19, out, 0);
                p.predict(big, 0, 200, out, 0);
            }
            return allocated(me) - before;
        }, 0, 1000);
        if (least != 0) {
            fail(k.describe() + " " + act + ": every window of 50 predictions allocated, at least " + least + " bytes");
        }
    }
}
