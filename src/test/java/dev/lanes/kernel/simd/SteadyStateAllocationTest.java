package dev.lanes.kernel.simd;

import dev.lanes.testsupport.JitSettling;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Once C2 has compiled them, the transcendental kernels and the standardization (whose rows of 10
 * end in a masked tail at every width) must allocate nothing: a vector that the
 * JIT failed to keep in registers is boxed on the heap, so allocation is the timing-free symptom
 * of a kernel compiled badly (or stranded in C1). Waits until the compiler has settled
 * ({@link JitSettling}), not for a number of seconds.
 */
class SteadyStateAllocationTest {

    private interface Op {
        void run(float[] x);
    }

    @Test
    void compiledKernelsDoNotAllocate() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        VectorElementwise k = VectorElementwise.forBits(VectorMathTest.WIDEST);
        // A length with a masked tail at every width, and rows of 10 (narrower than 512 bits).
        int n = 1000 * 10 + 3;
        SplittableRandom rnd = new SplittableRandom(1);
        float[] src = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = (float) rnd.nextDouble(-20, 20);
        }
        float[] x = new float[n];
        float[] mean = {0.5f, -1f, 2f, 0f, 3f, -0.25f, 1f, 7f, -2f, 0.125f};
        float[] std = {1f, 2f, 0.5f, 3f, 1.5f, 4f, 0.75f, 2.5f, 1f, 6f};
        String[] names = {"exp", "sigmoid", "tanh", "softmaxRows", "standardize"};
        Op[] ops = {
            a -> k.exp(n, a, 0),
            a -> k.sigmoid(n, a, 0),
            a -> k.tanh(n, a, 0),
            a -> k.softmaxRows(1000, 10, a, 0, 10),
            a -> k.standardize(1000, 10, a, 0, 10, mean, 0, std, 0, a, 0, 10),
        };
        long me = Thread.currentThread().threadId();
        for (int o = 0; o < ops.length; o++) {
            Op op = ops[o];
            long bytes = JitSettling.smallest(() -> {
                long before = mx.getThreadAllocatedBytes(me);
                for (int rep = 0; rep < 200; rep++) {
                    System.arraycopy(src, 0, x, 0, n);
                    op.run(x);
                }
                return mx.getThreadAllocatedBytes(me) - before;
            }, 0, 50);
            assertEquals(0, bytes, names[o] + " still allocates after warm-up (boxed vectors?)");
        }
    }
}
