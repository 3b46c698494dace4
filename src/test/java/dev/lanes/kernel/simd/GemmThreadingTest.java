package dev.lanes.kernel.simd;

import dev.lanes.kernel.GemmProblem;
import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.gemm.Blocking;
import dev.lanes.kernel.gemm.Gemm;
import dev.lanes.kernel.spi.KernelRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parallel GEMM results are bit-identical to one thread's, on every path and split direction. */
class GemmThreadingTest {

    /** Shapes above the parallel threshold: packed split by rows and by columns, dots, rows. */
    private static final int[][] SHAPES = {
            {203, 150, 241},  // packed, m >= n: split by rows
            {70, 301, 347},   // packed, m < n: split by columns
            {700, 10, 1021},  // dots (classifier output)
            {1, 4001, 1777},  // m == 1
    };

    @Test
    void resultsAreBitIdenticalForOneToFourThreads() {
        int preferred = VectorKernels.preferredVectorBits();
        for (int bits : KernelRegistry.allBits()) {
            if (bits > preferred) {
                continue; // Kernels.create refuses vectors wider than the CPU's
            }
            for (int[] sh : SHAPES) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    assertTrue((long) sh[0] * sh[1] * sh[2] >= Blocking.PARALLEL_MNK);
                    GemmProblem<float[]> gc = GemmProblem.of(ta, tb, sh[0], sh[1], sh[2], 0.7f, t % 2 == 0 ? 0f : 1.3f,
                            31L * t + bits);
                    float[] one = gc.runOnCopy(kernels(bits, 1, null));
                    for (int threads = 2; threads <= 4; threads++) {
                        GemmProblem.assertSameBits(one, gc.runOnCopy(kernels(bits, threads, null)),
                                bits + "-bit " + threads + " threads " + gc + " " + Gemm.path(tb, sh[0], sh[1], sh[2]));
                    }
                    if (bits == preferred) {
                        gc.verify(one, gc.toString());
                    }
                }
            }
        }
    }

    @Test
    void usesTheConfiguredExecutor() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicInteger submitted = new AtomicInteger();
        ExecutorService counting = new AbstractExecutorService() {
            @Override
            public void execute(Runnable command) {
                submitted.incrementAndGet();
                pool.execute(command);
            }

            @Override
            public void shutdown() {
                pool.shutdown();
            }

            @Override
            public List<Runnable> shutdownNow() {
                return pool.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return pool.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return pool.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                return pool.awaitTermination(timeout, unit);
            }
        };
        try {
            GemmProblem<float[]> gc = GemmProblem.of(false, false, 400, 300, 200, 1f, 0f, 5);
            float[] expected = gc.runOnCopy(kernels(0, 1, null));
            assertEquals(0, submitted.get());
            GemmProblem.assertSameBits(expected, gc.runOnCopy(kernels(0, 4, counting)), "custom executor");
            assertEquals(3, submitted.get(), "three helpers beside the calling thread");
            // Below the parallel threshold nothing is handed to the executor.
            GemmProblem<float[]> small = GemmProblem.of(false, false, 20, 30, 40, 1f, 0f, 6);
            small.runOnCopy(kernels(0, 4, counting));
            assertEquals(3, submitted.get());
        } finally {
            counting.shutdownNow();
        }
    }

    private static Kernels kernels(int bits, int threads, ExecutorService exec) {
        return Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, threads, exec));
    }
}
