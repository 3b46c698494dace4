package dev.lanes.kernel.simd;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Catches a micro-kernel the JIT left in slow code. A tile too large for C1 once stayed in tier-2
 * code after tiered compilation gave up on it, running ~100× below its C2 speed, for the life of
 * the JVM. On this shape healthy kernels ran 20–40× faster than the scalar reference (itself
 * ~1 GFLOP/s), down to 7× for 128 bits under heavy load; a stranded one runs slower than it. After
 * warm-up the SIMD GEMM must beat the scalar reference by 5× at 512 bits, 4× at 256 and 3× at 128:
 * a kernel 10× below its usual speed at that width fails, while healthy ones keep a margin of
 * about 2× or more. SIMD and scalar runs are interleaved and their best times compared, as
 * the best of several runs is the one least disturbed by other load on a shared machine.
 */
class GemmSpeedSanityTest {

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {512, 256, 128})
    void simdGemmIsCompiledToFastCodeAfterWarmUp(int bits) {
        Kernels simd = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, bits, 1, null));
        Kernels ref = Kernels.reference();
        int m = 120, n = 112, k = 128; // the packed path, with edge tiles
        Random r = new Random(3);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat();
        }
        // Warm both up long enough for C2 to compile them (tier 4 needs ~10^4 invocations or loops).
        long until = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 20; i++) {
                simd.sgemm(Transpose.NONE, Transpose.NONE, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            }
            ref.sgemm(Transpose.NONE, Transpose.NONE, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        }
        int rounds = 15;
        double[] simdNs = new double[rounds];
        double[] refNs = new double[rounds];
        int simdReps = 20;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < simdReps; i++) {
                simd.sgemm(Transpose.NONE, Transpose.NONE, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            }
            long t1 = System.nanoTime();
            ref.sgemm(Transpose.NONE, Transpose.NONE, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            long t2 = System.nanoTime();
            simdNs[round] = (double) (t1 - t0) / simdReps;
            refNs[round] = t2 - t1;
        }
        Arrays.sort(simdNs);
        Arrays.sort(refNs);
        double speedup = refNs[0] / simdNs[0];
        double required = bits == 512 ? 5 : bits == 256 ? 4 : 3;
        double gflops = 2.0 * m * n * k / simdNs[0];
        System.out.printf("GEMM speed sanity %d-bit: %.1f GFLOP/s, %.1fx the scalar reference (required %.0fx)%n",
                bits, gflops, speedup, required);
        assertTrue(speedup >= required, String.format(
                "%d-bit SIMD GEMM is only %.1fx the scalar reference (%.1f GFLOP/s); expected at least %.0fx."
                        + " Was the micro-kernel left in C1 code?", bits, speedup, gflops, required));
    }
}
