package dev.lanes.kernel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The warm-up runs every path without failing and starts once per width when asked by the system
 * property. That it gets the hot methods of sgemm and of dgemm to C2 is checked without a clock
 * by {@code C2CompilationTest.theWarmUpAloneGetsTheHotMethodsToC2} (which fails, naming dgemm's
 * micro-kernel class, if the warm-up leaves dgemm out).
 */
class WarmupTest {

    @Test
    void runsWithoutFailingAndDoesNothingOnTheReference() throws Exception {
        Warmup.run(Kernels.reference());
        assumeTrue(KernelSelection.simdUnavailable(0, false).isEmpty(), "no SIMD kernels in this JVM");
        // The preferred width: the narrower ones run the same public calls, which the kernel
        // tests cover at every width, and 1,000 rounds of them before C2 cost a minute here.
        Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 2, null));
        CompletableFuture<Void> done = Warmup.start(k);
        done.get(); // completes normally: no kernel threw on the warm-up's shapes
        assertTrue(done.isDone() && !done.isCompletedExceptionally(), k.describe());
    }

    @Test
    void thePropertyStartsOneBackgroundWarmUpPerWidth() throws Exception {
        assumeTrue(KernelSelection.simdUnavailable(0, false).isEmpty(), "no SIMD kernels in this JVM");
        assertFalse(warmUpThreadRunning(), "no warm-up before any kernels are built");
        System.setProperty(Warmup.PROPERTY, "true");
        try {
            Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 1, null));
            Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, 2, null));
            Kernels.create(new KernelConfig(KernelConfig.Implementation.REFERENCE, 0, 1, null));
        } finally {
            System.clearProperty(Warmup.PROPERTY);
        }
        assertEquals(1, Warmup.startedWidths(), "one warm-up for the one width built twice");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("lanes-warmup")) {
                assertTrue(t.isDaemon(), "the warm-up must not keep the JVM alive");
                t.join();
            }
        }
    }

    private static boolean warmUpThreadRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("lanes-warmup"));
    }
}
