package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;
import dev.lanes.kernel.gemm.Blocking;
import dev.lanes.kernel.gemm.Gemm;
import dev.lanes.testsupport.JitSettling;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single-threaded GEMM calls reuse their per-thread packing buffers: in steady state a call
 * allocates nothing. Packing buffers allocated per call would be ≥ 60 KiB for these shapes.
 */
class GemmAllocationTest {

    @Test
    void steadyStateCallsDoNotAllocatePackingBuffers() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
        int[][] shapes = {{120, 112, 130}, {200, 10, 300}, {1, 700, 90}}; // packed, dots, rows
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], kk = sh[2];
            boolean tb = n == 10;
            float[] a = new float[m * kk];
            float[] b = new float[kk * n];
            float[] c = new float[m * n];
            java.util.Arrays.fill(a, 0.5f);
            java.util.Arrays.fill(b, 0.25f);
            Transpose transB = tb ? Transpose.TRANSPOSE : Transpose.NONE;
            int ldb = tb ? kk : n;
            Runnable call = () -> k.sgemm(Transpose.NONE, transB, m, n, kk, 1f, a, 0, kk, b, 0, ldb, 0f, c, 0, n);
            // Until C2 has compiled every kernel, C1 code boxes vectors (a masked load in C1 code
            // allocated ~100 KB per call here); a real per-call allocation shows in every window,
            // so the call passes once one window of 50 calls allocates (almost) nothing, and fails
            // if none does by the time the JIT has settled (at least 10,000 calls).
            long best = JitSettling.smallest(() -> {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 50; i++) {
                    call.run();
                }
                return (mx.getCurrentThreadAllocatedBytes() - before) / 50;
            }, 1023, 200);
            assertEquals(0.125f * kk, c[0]);
            assertEquals(0.125f * kk, c[m * n - 1]);
            assertTrue(best < 1024, Gemm.path(tb, m, n, kk) + " path allocates " + best + " bytes per call");
        }
    }

    /**
     * Calls split over two threads, on the library's own helper threads, allocate nothing once
     * warm either — on any thread, so the whole JVM's allocation is counted. Before the hand-off
     * reused its state, each such call allocated ~250 bytes (latch, counters, lambdas, a queue
     * node); a window of 20 calls is allowed a stray 1 KiB from elsewhere in the JVM.
     */
    @Test
    void parallelCallsOnTheLibraryThreadsAllocateNothing() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 2, null));
        int[][] shapes = {{200, 200, 200}, {512, 10, 2048}, {1, 4096, 2048}}; // packed, dots, rows
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], kk = sh[2];
            assertTrue((long) m * n * kk >= Blocking.PARALLEL_MNK, "the shape must be split over threads");
            boolean tb = n == 10;
            float[] a = new float[m * kk];
            float[] b = new float[kk * n];
            float[] c = new float[m * n];
            java.util.Arrays.fill(a, 0.5f);
            java.util.Arrays.fill(b, 0.25f);
            Transpose transB = tb ? Transpose.TRANSPOSE : Transpose.NONE;
            int ldb = tb ? kk : n;
            long best = JitSettling.smallest(() -> {
                long before = mx.getTotalThreadAllocatedBytes();
                for (int i = 0; i < 20; i++) {
                    k.sgemm(Transpose.NONE, transB, m, n, kk, 1f, a, 0, kk, b, 0, ldb, 0f, c, 0, n);
                }
                return mx.getTotalThreadAllocatedBytes() - before;
            }, 1024, 250);
            assertEquals(0.125f * kk, c[0]);
            assertEquals(0.125f * kk, c[m * n - 1]);
            assertTrue(best <= 1024, Gemm.path(tb, m, n, kk) + " path on two threads allocates " + best
                    + " bytes per 20 calls");
        }
    }
}
